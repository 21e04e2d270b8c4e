// `drover cluster stop` and `drover cluster start`: lock, plan (or --plan and exit), a yes on a
// TTY, the reason as a cluster Event, the stages with their gates, the record, the report.
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { EXIT } from '../../cli/exit-codes.js';
import { ConnectionPool } from '../../executor/connection-pool.js';
import { describePlan } from '../../runbook/plan.js';
import { renderReport } from '../../runbook/report.js';
import { runPlan } from '../../runbook/run-plan.js';
import { hostAccess, load, type ClusterOptions } from '../deploy.js';
import type { MaintenanceContext, StageName } from './context.js';
import { maintenancePlan, selectStages } from './plan.js';
import { adminTls, apiCall, type AdminTls } from './probes.js';
import { readRecord, writeRecord } from './record.js';
import { EXIT_LOCKED, entranceSettings, maintenanceLock, runStagePlaybook, stateDirOf } from './shared.js';

export interface MaintenanceOptions extends ClusterOptions {
  action: 'stop' | 'start';
  apiservers: boolean;
  etcd: boolean;
  from?: StageName;
  to?: StageName;
  plan: boolean;
  yes: boolean;
  reason?: string;
  stateDir?: string;
}

/** Post the reason as an Event in kube-system through the first apiserver that takes it. */
async function recordEvent(tls: AdminTls, hosts: string[], action: string, reason: string, stages: string[]): Promise<string> {
  const now = new Date().toISOString();
  const name = `drover-maintenance.${Date.now().toString(16)}`;
  const event = { apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'kube-system' }, involvedObject: { kind: 'Namespace', name: 'kube-system', apiVersion: 'v1' }, reason: action === 'stop' ? 'MaintenanceStop' : 'MaintenanceStart', message: `drover cluster ${action} (${stages.join(', ')}) by ${userInfo().username}@${hostname()}: ${reason}`, type: 'Normal', source: { component: 'drover' }, firstTimestamp: now, lastTimestamp: now, count: 1 };
  let last = '';
  for (const h of hosts) {
    const r = await apiCall(tls, h, 6443, 'POST', '/api/v1/namespaces/kube-system/events', event);
    if ('body' in r && r.status < 300) return `event kube-system/${name} recorded`;
    last = 'error' in r ? r.error : `HTTP ${r.status}`;
  }
  return `event not recorded (${last})`;
}

async function confirm(o: MaintenanceOptions, lines: string[]): Promise<boolean> {
  if (o.yes || !process.stdin.isTTY) return true;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${lines.join('\n')}\nProceed with cluster ${o.action}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Run `cluster stop` or `cluster start`; returns the exit code. */
export async function runMaintenance(o: MaintenanceOptions): Promise<number> {
  const l = await load(o);
  if (typeof l === 'number') return l;
  const stateDir = stateDirOf(o, l);
  const record = readRecord(stateDir);
  // start brings back what the operator's stop took down, even without the flags
  const wants = (s: StageName): boolean => (s === 'apiservers' ? o.apiservers : o.etcd) || (o.action === 'start' && record.stopped.includes(s));
  let stages: StageName[];
  try {
    stages = selectStages(o.action, { apiservers: wants('apiservers'), etcd: wants('etcd'), from: o.from, to: o.to });
  } catch (err) {
    o.logError(`ERROR! ${(err as Error).message}`);
    return EXIT.INVALID_INPUT;
  }
  const pool = new ConnectionPool();
  const entrance = entranceSettings(l);
  const ctx: MaintenanceContext = {
    config: l.config,
    tls: adminTls(l.pkiDir),
    exec: hostAccess(l, pool),
    entrancePort: entrance.port,
    entranceUnits: entrance.units,
    down: new Set([...record.stopped, ...(o.action === 'stop' ? stages : [])]),
    snapshot: new Map(),
    stageStartedAt: Date.now(),
    runStagePlaybook: (action, stage) => runStagePlaybook(o, action, stage),
  };
  const plan = maintenancePlan(o.action, stages, ctx);
  const planLines = [`cluster ${o.action} ${l.config.clusterName}:`, ...describePlan(plan)];
  if (o.plan) {
    for (const line of planLines) o.log(line);
    await pool.closeAll();
    return EXIT.OK;
  }
  const lock = await maintenanceLock(stateDir, o.logError);
  if (!lock) {
    await pool.closeAll();
    return EXIT_LOCKED;
  }
  try {
    if (!(await confirm(o, planLines))) {
      o.logError('not confirmed; nothing was touched');
      return EXIT.INVALID_INPUT;
    }
    const reason = o.reason ?? '(no reason given)';
    const cpIps = l.config.controlPlane.map((h) => h.ip);
    o.log(`cluster ${o.action} ${l.config.clusterName}: ${stages.join(' → ')}; reason: ${reason}`);
    // the event goes in while the apiservers still answer (stop) or once they do again (start)
    if (o.action === 'stop') o.log(await recordEvent(ctx.tls, cpIps, 'stop', reason, stages));
    const by = `${userInfo().username}@${hostname()}`;
    if (o.action === 'stop') writeRecord(stateDir, { stopped: [...new Set([...record.stopped, ...stages])], reason, by, at: new Date().toISOString() });
    const ac = new AbortController();
    const onSignal = (): void => ac.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let report;
    try {
      report = await runPlan(plan, ctx, {
        signal: ac.signal,
        emit: (e) => {
          if (o.json) o.log(JSON.stringify({ ...e, type: `maintenance_${e.type}` }));
          else if (e.type === 'stage_start') o.log(`== ${e.title}`);
          else if (e.type === 'stage_end') for (const ob of e.report.observations) o.log(`  ${ob.ok ? '✓' : '✗'} ${ob.subject ? `${ob.subject}: ` : ''}${ob.what}`);
        },
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (o.action === 'stop') {
      // the record keeps what this run took down (a failed stage may be half down), not what it planned
      const touched = report.stages.filter((s) => s.id !== 'snapshot' && s.status !== 'not-run').map((s) => s.id as StageName);
      writeRecord(stateDir, { stopped: [...new Set([...record.stopped, ...touched])], reason, by, at: new Date().toISOString() });
    }
    if (o.action === 'start') {
      const started = report.stages.filter((s) => s.status === 'done').map((s) => s.id);
      const left = readRecord(stateDir).stopped.filter((s) => !started.includes(s));
      writeRecord(stateDir, { ...readRecord(stateDir), stopped: left, by, at: new Date().toISOString(), reason });
      o.log(await recordEvent(ctx.tls, cpIps, 'start', reason, started.filter((s) => s !== 'snapshot')));
    }
    if (o.json) o.log(JSON.stringify({ type: 'maintenance_report', reason, ...report }));
    else o.log(`\n${renderReport(report)}`);
    return report.status === 'ok' ? EXIT.OK : report.status === 'interrupted' ? EXIT.INTERRUPTED : EXIT.HOST_FAILED;
  } finally {
    await lock.release();
    await pool.closeAll();
  }
}
