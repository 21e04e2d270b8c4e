// The terminal report: one block per check, failing hosts listed (red critical, yellow warning
// on a TTY; plain text otherwise), passing hosts counted, then a one-line summary.
import type { Finding } from './check-contract.js';
import type { InspectReport } from './inspect-report.js';

const COLOR = { critical: '\x1b[31m', warning: '\x1b[33m', ok: '', reset: '\x1b[0m' };

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

/** Render the report as lines for a terminal; `color` only on a TTY. */
export function renderTable(report: InspectReport, color: boolean): string[] {
  const paint = (f: Finding, s: string): string => (color && f.status !== 'ok' ? `${COLOR[f.status]}${s}${COLOR.reset}` : s);
  const out: string[] = [];
  for (const check of report.checks) {
    const mine = report.findings.filter((f) => f.check === check.id);
    if (!mine.length) continue;
    const failing = mine.filter((f) => f.status !== 'ok');
    const hostsOk = new Set(mine.map((f) => f.host));
    for (const f of failing) hostsOk.delete(f.host);
    out.push(`== ${check.id}: ${check.description} — ${failing.length ? `${failing.length} failing` : 'all passed'}, ${hostsOk.size} host(s) ok`);
    if (failing.length) {
      const rows = [['STATUS', 'HOST', 'ITEM', 'VALUE', 'DETAIL'], ...failing.map((f) => [`${f.status.toUpperCase()}${f.isNew ? ' (new)' : ''}`, f.host, f.item ?? '-', f.value ?? '', f.message])];
      pad(rows).forEach((line, i) => out.push(`  ${i === 0 ? line : paint(failing[i - 1]!, line)}`));
      if (check.remediation) out.push(`  fix: ${check.remediation}`);
    }
  }
  const s = report.summary;
  out.push(`inspected ${s.hosts} host(s) with ${report.checks.length} check(s): ${s.critical} critical, ${s.warning} warning, ${s.ok} ok${s.unreachable ? `, ${s.unreachable} unreachable` : ''}${report.previousAt ? `, ${s.new} new since ${report.previousAt}` : ''}`);
  return out;
}
