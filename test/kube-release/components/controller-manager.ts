// kube-controller-manager 1.5/1.6 stand-in (its files already checked by the entry): serves /healthz on
// --address:--port (10252) before it leads, takes the kube-system/kube-controller-manager
// Endpoints lock (identity = hostname, as 1.5/1.6 used it), and only while leading runs the
// node controller and the ReplicaSet controller (1.6: unless --controllers leaves it out). Losing the lease is fatal (glog.Fatalf → exit 255), as in the real one.
import { hostname } from 'node:os';
import type { ComponentContext } from '../runtime/entry.js';
import type { ParsedFlags } from '../runtime/flags.js';
import { newLog } from '../runtime/log.js';
import { apiFromFlags, serveHealthz } from './component-runtime.js';
import { LeaderElector } from './leader-election.js';
import { NodeController } from './node-controller.js';
import { ReplicaSetController } from './replicaset-controller.js';

/** A duration flag in ms, or the real default when this version's table lacks the flag. */
function durationMs(flags: ParsedFlags, name: string, fallbackMs: number): number {
  return flags.has(name) ? flags.durationMs(name) : fallbackMs;
}

function num(flags: ParsedFlags, name: string, fallback: number): number {
  if (!flags.has(name)) return fallback;
  return flags.table.find((s) => s.name === name)?.type === 'int' ? flags.int(name) : flags.float(name);
}

/** 1.6 --controllers: '*' (on-by-default ones), 'name' or '-name'; 1.5 runs every controller. */
export function controllerEnabled(list: string[] | undefined, name: string): boolean {
  if (!list) return true;
  if (list.includes(`-${name}`)) return false;
  return list.includes(name) || list.includes('*');
}

/** The controller-manager's main: healthz, leader election, then the controllers. */
export async function main(flags: ParsedFlags, ctx: ComponentContext): Promise<void> {
  const log = newLog('controllermanager.go');
  const api = apiFromFlags(flags, log);
  log.info(`Version: ${ctx.version}`);
  await serveHealthz(flags.string('address'), flags.int('port'));
  const nodeController = new NodeController({
    api, log: newLog('nodecontroller.go'),
    monitorPeriodMs: durationMs(flags, 'node-monitor-period', 5_000),
    gracePeriodMs: durationMs(flags, 'node-monitor-grace-period', 40_000),
    startupGraceMs: durationMs(flags, 'node-startup-grace-period', 60_000),
    evictionTimeoutMs: durationMs(flags, 'pod-eviction-timeout', 300_000),
    evictionQps: num(flags, 'node-eviction-rate', 0.1),
    secondaryEvictionQps: num(flags, 'secondary-node-eviction-rate', 0.01),
    unhealthyZoneThreshold: num(flags, 'unhealthy-zone-threshold', 0.55),
    largeClusterThreshold: num(flags, 'large-cluster-size-threshold', 50),
  });
  const minor = Number(ctx.minor.split('.')[1]);
  const replicaSets = controllerEnabled(flags.has('controllers') ? flags.list('controllers') : undefined, 'replicaset') ? new ReplicaSetController({ api, log: newLog('replica_set.go'), minor }) : undefined;
  const run = (): void => {
    nodeController.start();
    replicaSets?.start();
  };
  if (!flags.bool('leader-elect')) return run();
  const elector = new LeaderElector({
    api, log: newLog('leaderelection.go'), namespace: 'kube-system', name: 'kube-controller-manager', identity: hostname(),
    leaseMs: flags.durationMs('leader-elect-lease-duration'), renewDeadlineMs: flags.durationMs('leader-elect-renew-deadline'), retryMs: flags.durationMs('leader-elect-retry-period'),
    onStartedLeading: run,
    onStoppedLeading: () => log.fatal('leaderelection lost'),
  });
  await elector.run();
}
