// The contract every inspection check follows, whether it is a YAML file or a JS/TS module:
// where it runs, how its result is judged, how bad a failure is and what to do about it.
import type { ExecResult } from '../connections/types.js';

/** How bad a failing check is. */
export type Severity = 'critical' | 'warning';

/** The verdict on one observation. */
export type Status = 'ok' | 'warning' | 'critical';

/** Levels a number is judged against (either may be absent). */
export interface Thresholds {
  warning?: number;
  critical?: number;
}

/** The judging rule of a check: at most one of max/min/match/not_match/equals; distinct_max for fleet checks. */
export interface Rule {
  /** Fail when the number is above a level. */
  max?: Thresholds;
  /** Fail when the number is below a level. */
  min?: Thresholds;
  /** Fail (at the check's severity) unless the output matches this regex. */
  match?: string;
  /** Fail (at the check's severity) when the output matches this regex. */
  notMatch?: string;
  /** Fail (at the check's severity) unless the trimmed output equals this. */
  equals?: string;
  /** Fleet checks: fail on hosts outside the most common value when more than this many values exist. */
  distinctMax?: number;
}

/** One value a check observed on a host; `item` names the part (a mount, a certificate file). */
export interface Observation {
  item?: string;
  value: string;
  /** A module may judge for itself; otherwise the check's rule judges `value`. */
  status?: Status;
  message?: string;
}

/** What a check gets on one host: one pooled connection and the effective settings. */
export interface HostContext {
  host: string;
  vars: Record<string, unknown>;
  params: Record<string, string>;
  exec(command: string, timeoutMs?: number): Promise<ExecResult>;
}

/** What a cluster check gets: GETs against the API of the inspection's kubeconfig. */
export interface ClusterContext {
  params: Record<string, string>;
  /** GET a path (`/api/v1/nodes`, `/healthz`): HTTP status and body (JSON parsed when it is JSON). */
  get(path: string): Promise<{ status: number; body: any }>;
  now: number;
}

/** A loaded check, ready to run. */
export interface CheckPlugin {
  id: string;
  description: string;
  tags: string[];
  /** Inventory pattern of the hosts it runs on. */
  hosts: string;
  /** host: judged per host; fleet: values compared across hosts; cluster: run once against the API. */
  scope: 'host' | 'fleet' | 'cluster';
  severity: Severity;
  remediation?: string;
  rule: Rule;
  /** Defaults for settings the inventory may override per group (inspect_overrides). */
  params: Record<string, string>;
  timeoutS: number;
  /** File the check came from (for messages). */
  source: string;
  /** Observe on one host. */
  run(ctx: HostContext): Promise<Observation[]>;
  /** Observe the cluster once (scope cluster). */
  runCluster?(ctx: ClusterContext): Promise<Observation[]>;
}

/** A finding in the report: one check on one host (and item). */
export interface Finding {
  check: string;
  host: string;
  item?: string;
  status: Status;
  value?: string;
  message: string;
  remediation?: string;
  /** Failing now and not failing in the previous report (--history). */
  isNew?: boolean;
}
