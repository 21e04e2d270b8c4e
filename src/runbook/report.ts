// The closing table every runbook prints: one row per stage, then every failed observation,
// so whoever reads a cron mail sees what was proven and exactly what was not.
import type { RunReport } from './run-plan.js';

const MARK: Record<string, string> = { done: 'ok', resumed: 'ok (earlier)', failed: 'FAILED', 'gate-failed': 'FAILED', interrupted: 'INTERRUPTED', 'not-run': '-' };

/** Plain-text report of a run. */
export function renderReport(report: RunReport): string {
  const rows = report.stages.map((s) => [s.title, MARK[s.status] ?? s.status, s.status === 'not-run' ? '' : `${(s.durationMs / 1000).toFixed(1)}s`]);
  const w0 = Math.max(5, ...rows.map((r) => r[0]!.length));
  const w1 = Math.max(6, ...rows.map((r) => r[1]!.length));
  const lines = [`${'STAGE'.padEnd(w0)}  ${'STATUS'.padEnd(w1)}  TIME`, ...rows.map((r) => `${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[2]}`.trimEnd())];
  for (const s of report.stages) {
    if (s.error) lines.push('', `${s.title}: ${s.error}`);
    for (const o of s.observations.filter((o) => !o.ok)) lines.push(`  ✗ ${o.subject ? `${o.subject}: ` : ''}${o.what}`);
  }
  lines.push('', `${report.runbook}: ${report.status === 'ok' ? 'every stage proven' : report.status}`);
  return `${lines.join('\n')}\n`;
}
