// Running the checks: one pooled connection per host for the whole inspection, hosts in
// parallel (bounded by forks), checks one after another on a host; an unreachable host is a
// critical finding, never a silent skip.
import type { Inventory } from '../inventory/types.js';
import { UnreachableError, type BecomeOptions } from '../connections/types.js';
import { ConnectionPool, transportFor } from '../executor/connection-pool.js';
import { mapLimited } from '../executor/limiter.js';
import { memberBecome } from '../etcd/member-host.js';
import { toBool } from '../templating/lookups/to-bool.js';
import type { CheckPlugin, Finding, Observation } from './check-contract.js';
import { effectiveRule, judgeSpread, judgeValue } from './judge-rule.js';
import { hostOverride, type HostOverride } from './overrides.js';

/** The pseudo-check every host gets: could it be reached at all. */
export const REACHABLE_CHECK = 'host-reachable';

/** What to inspect and how hard to push. */
export interface InspectOptions {
  inventory: Inventory;
  limit?: string;
  extraVars: Record<string, unknown>;
  checks: CheckPlugin[];
  forks: number;
  connectTimeoutS: number;
  /** Kubeconfig for the cluster checks (they do not run without one). */
  kubeconfig?: string;
}

/** The pseudo-host of findings about the cluster as a whole. */
export const CLUSTER_HOST = 'cluster';

/** Raw result of one check on one host, before fleet checks are judged. */
interface HostRun {
  host: string;
  findings: Finding[];
  fleetValues: Map<string, Observation>;
}

const CONNECT_TIMEOUT_VARS = ['drover_ssh_connect_timeout', 'ansible_ssh_timeout', 'ansible_timeout'];

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

function judged(check: CheckPlugin, host: string, ob: Observation, ov: HostOverride): Finding {
  const v = ob.status ? { status: ob.status, message: ob.message ?? ob.value } : judgeValue(effectiveRule(check.rule, ov.thresholds), check.severity, ob.value);
  return { check: check.id, host, item: ob.item, status: v.status, value: ob.value, message: v.message, remediation: v.status === 'ok' ? undefined : check.remediation };
}

async function inspectHost(host: string, opts: InspectOptions, pool: ConnectionPool, targets: Map<string, Set<string>>): Promise<HostRun> {
  const run: HostRun = { host, findings: [], fleetValues: new Map() };
  const vars = { ...opts.inventory.hostVars(host), ...opts.extraVars };
  const connVars = CONNECT_TIMEOUT_VARS.some((k) => vars[k] !== undefined) ? vars : { ...vars, drover_ssh_connect_timeout: opts.connectTimeoutS };
  const become: BecomeOptions | undefined = vars.ansible_become !== undefined && toBool(vars.ansible_become) ? memberBecome(host, vars) : undefined;
  const conn = await pool.get(host, transportFor(connVars), connVars);
  try {
    await conn.connect();
  } catch (err) {
    run.findings.push({ check: REACHABLE_CHECK, host, status: 'critical', message: `unreachable: ${(err as Error).message}`, remediation: 'Check that the host is up and that ssh answers with the inventory\'s user and key.' });
    return run;
  }
  run.findings.push({ check: REACHABLE_CHECK, host, status: 'ok', message: `reachable over ${conn.transport}` });
  for (const check of opts.checks) {
    if (check.scope === 'cluster' || !targets.get(check.id)!.has(host)) continue;
    const ov = hostOverride(check, host, vars);
    let obs: Observation[];
    try {
      obs = await withTimeout(check.run({ host, vars, params: ov.params, exec: (cmd, timeoutMs) => conn.exec(cmd, { become, timeoutMs: timeoutMs ?? check.timeoutS * 1000 }) }), (check.timeoutS + 5) * 1000, `check ${check.id}`);
    } catch (err) {
      const lost = err instanceof UnreachableError;
      obs = [{ value: '', status: 'critical', message: lost ? `host became unreachable: ${err.message}` : `check failed to run: ${(err as Error).message}` }];
    }
    if (check.scope === 'fleet') run.fleetValues.set(check.id, obs[0] ?? { value: '' });
    else for (const ob of obs) run.findings.push(judged(check, host, ob, ov));
  }
  return run;
}

/** Inspect every host of the inventory (narrowed by limit) with the given checks. */
export async function runInspection(opts: InspectOptions): Promise<{ hosts: string[]; findings: Finding[] }> {
  const hosts = opts.inventory.select('all', opts.limit);
  const targets = new Map(opts.checks.map((c) => [c.id, new Set(opts.inventory.select(c.hosts, opts.limit))]));
  const pool = new ConnectionPool();
  let runs: HostRun[];
  try {
    runs = await mapLimited(hosts, opts.forks, (h) => inspectHost(h, opts, pool, targets));
  } finally {
    await pool.closeAll();
  }
  const findings = runs.flatMap((r) => r.findings);
  for (const check of opts.checks.filter((c) => c.scope === 'fleet')) {
    const values = new Map<string, string>();
    for (const r of runs) {
      const ob = r.fleetValues.get(check.id);
      if (!ob) continue;
      if (ob.status && ob.status !== 'ok') findings.push({ check: check.id, host: r.host, status: ob.status, value: ob.value, message: ob.message ?? '', remediation: check.remediation });
      else values.set(r.host, ob.value.trim());
    }
    for (const [host, v] of judgeSpread(values, check.rule.distinctMax ?? 1, check.severity)) {
      findings.push({ check: check.id, host, status: v.status, value: values.get(host), message: v.message, remediation: v.status === 'ok' ? undefined : check.remediation });
    }
  }
  findings.push(...(await inspectCluster(opts)));
  return { hosts, findings };
}

/** Run the cluster checks once against the kubeconfig's API; an API that cannot be reached fails each check. */
async function inspectCluster(opts: InspectOptions): Promise<Finding[]> {
  const checks = opts.checks.filter((c) => c.scope === 'cluster' && c.runCluster);
  if (!checks.length || !opts.kubeconfig) return [];
  const { kubeGetter } = await import('./kube-get.js');
  const get = await kubeGetter(opts.kubeconfig);
  const vars = { ...(opts.inventory.groups.get('all')?.vars ?? {}), ...opts.extraVars };
  const out: Finding[] = [];
  for (const check of checks) {
    const ov = hostOverride(check, CLUSTER_HOST, vars);
    let obs: Observation[];
    try {
      obs = await withTimeout(check.runCluster!({ params: ov.params, get, now: Date.now() }), (check.timeoutS + 5) * 1000, `check ${check.id}`);
    } catch (err) {
      obs = [{ value: '', status: 'critical', message: `cannot ask the API: ${(err as Error).message}` }];
    }
    for (const ob of obs) out.push(judged(check, CLUSTER_HOST, ob, ov));
  }
  return out;
}
