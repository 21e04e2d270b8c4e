// The upgrade's closing table: one row per host (from -> to, strategy, duration, containers
// kept/recreated, result), so a CI log shows what each host went through.

/** What happened to one host. */
export interface NodeRow {
  host: string;
  role: 'control-plane' | 'node';
  from: string;
  to: string;
  strategy: string;
  durationMs: number;
  kept: number;
  recreated: string[];
  result: 'ok' | 'failed' | 'skipped' | 'kept' | 'interrupted' | 'not-run';
  detail: string;
}

/** The table as text. */
export function renderUpgradeTable(rows: NodeRow[]): string {
  const head = ['HOST', 'ROLE', 'FROM -> TO', 'STRATEGY', 'TIME', 'KEPT', 'RECREATED', 'RESULT'];
  const cells = rows.map((r) => [r.host, r.role, `${r.from} -> ${r.to}`, r.strategy, `${(r.durationMs / 1000).toFixed(1)}s`, r.role === 'node' ? String(r.kept) : '-', r.role === 'node' ? String(r.recreated.length) : '-', r.result]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(w[i]!)).join('  ').trimEnd();
  const out = [line(head), ...cells.map(line)];
  for (const r of rows.filter((x) => x.result !== 'ok' || x.detail)) out.push(`  ${r.host}: ${r.detail}`);
  return `${out.join('\n')}\n`;
}
