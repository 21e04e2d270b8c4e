// --history DIR: past JSON reports, so a report can say which failures are new since the
// previous one. Reports are written temp+fsync+rename; names sort by time.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../cli/errors.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { Finding } from './check-contract.js';
import type { InspectReport } from './inspect-report.js';

const NAME = /^inspect-\d{8}T\d{6}(\d{3})?Z\.json$/;

/** The newest report in the directory, or undefined (an unreadable newest report is an input error). */
export function previousReport(dir: string): InspectReport | undefined {
  if (!existsSync(dir)) return undefined;
  const newest = readdirSync(dir).filter((n) => NAME.test(n)).sort().pop();
  if (!newest) return undefined;
  const file = join(dir, newest);
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as InspectReport;
    if (r.kind !== 'drover-inspect-report' || !Array.isArray(r.findings)) throw new Error('not an inspection report');
    return r;
  } catch (err) {
    throw new InputError(`previous report unreadable: ${(err as Error).message}`, { file, field: '--history' });
  }
}

function key(f: Finding): string {
  return `${f.check}\0${f.host}\0${f.item ?? ''}`;
}

/** Mark failures that were not failing in the previous report (nothing is new without one). */
export function markNew(findings: Finding[], previous: InspectReport | undefined): Finding[] {
  if (!previous) return findings;
  const before = new Set(previous.findings.filter((f) => f.status !== 'ok').map(key));
  return findings.map((f) => (f.status !== 'ok' && !before.has(key(f)) ? { ...f, isNew: true } : f));
}

/** Keep this report in the directory (created if missing); returns its path. */
export function saveReport(dir: string, report: InspectReport): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[-:]/g, '').replace('.', '');
  const file = join(dir, `inspect-${stamp}.json`);
  writeFileAtomic(file, `${JSON.stringify(report, null, 1)}\n`);
  return file;
}
