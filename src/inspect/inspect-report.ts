// The report of one inspection: what ran, every finding (failures first), a summary and the
// exit code it means (0 all passed, 1 warnings only, 2 any critical). The JSON form is what
// --json prints and what --history keeps.
import type { CheckPlugin, Finding, Status } from './check-contract.js';
import { REACHABLE_CHECK } from './run-inspection.js';

/** A check as the report describes it. */
export interface ReportedCheck {
  id: string;
  description: string;
  severity: string;
  tags: string[];
  remediation?: string;
  source: string;
}

/** The whole inspection, as JSON. */
export interface InspectReport {
  kind: 'drover-inspect-report';
  version: 1;
  startedAt: string;
  durationMs: number;
  hosts: string[];
  checks: ReportedCheck[];
  findings: Finding[];
  summary: { hosts: number; unreachable: number; ok: number; warning: number; critical: number; new: number };
  /** When the previous report of --history was taken ('' without one). */
  previousAt: string;
  exitCode: 0 | 1 | 2;
}

const RANK: Record<Status, number> = { critical: 0, warning: 1, ok: 2 };

/** Failures first (critical, then warning), then by check, host and item. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => RANK[a.status] - RANK[b.status] || a.check.localeCompare(b.check) || a.host.localeCompare(b.host, undefined, { numeric: true }) || (a.item ?? '').localeCompare(b.item ?? ''));
}

/** 2 when anything is critical, 1 for warnings only, 0 when all passed. */
export function exitCodeOf(findings: Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.status === 'critical')) return 2;
  return findings.some((f) => f.status === 'warning') ? 1 : 0;
}

/** Assemble the report from a run. */
export function buildReport(run: { hosts: string[]; findings: Finding[] }, checks: CheckPlugin[], startedAt: Date, previousAt = ''): InspectReport {
  const findings = sortFindings(run.findings);
  const count = (s: Status): number => findings.filter((f) => f.status === s).length;
  return {
    kind: 'drover-inspect-report',
    version: 1,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    hosts: run.hosts,
    checks: [
      { id: REACHABLE_CHECK, description: 'Host answers over its connection', severity: 'critical', tags: [], source: '(built into the runner)' },
      ...checks.map((c) => ({ id: c.id, description: c.description, severity: c.severity, tags: c.tags, remediation: c.remediation, source: c.source })),
    ],
    findings,
    summary: {
      hosts: run.hosts.length,
      unreachable: findings.filter((f) => f.check === REACHABLE_CHECK && f.status !== 'ok').length,
      ok: count('ok'),
      warning: count('warning'),
      critical: count('critical'),
      new: findings.filter((f) => f.isNew).length,
    },
    previousAt,
    exitCode: exitCodeOf(findings),
  };
}
