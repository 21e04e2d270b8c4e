// The stop and start plans: a container snapshot first, then the stages in the documented
// order, each running its playbook and proven by its gate.
import type { Plan, Stage } from '../../runbook/plan.js';
import { gateResult } from '../../runbook/plan.js';
import { STAGE_ORDER, START_ORDER, type MaintenanceContext, type StageName } from './context.js';
import { snapshotContainers } from './container-check.js';
import { START_GATE_TEXT, startGate } from './start-gates.js';
import { STOP_GATE_TEXT, stopGate } from './stop-gates.js';

const TITLES: Record<StageName, string> = {
  entrances: 'entrances',
  apiservers: 'apiservers',
  'control-plane': 'controller-manager + scheduler',
  nodes: 'kubelets + kube-proxy',
  etcd: 'etcd',
};

/** Which stages a run covers: the optional ones only when asked (or, for start, left stopped). */
export function selectStages(action: 'stop' | 'start', opts: { apiservers: boolean; etcd: boolean; from?: StageName; to?: StageName }): StageName[] {
  const list = (action === 'stop' ? STAGE_ORDER : START_ORDER).filter((s) => (s !== 'apiservers' || opts.apiservers) && (s !== 'etcd' || opts.etcd));
  const from = opts.from ? list.indexOf(opts.from) : 0;
  const to = opts.to ? list.indexOf(opts.to) : list.length - 1;
  if (from < 0 || to < 0) throw new Error(`--from/--to: ${from < 0 ? opts.from : opts.to} is not a stage of this run (${list.join(', ')})`);
  return list.slice(from, to + 1);
}

function hostsOf(ctx: MaintenanceContext, s: StageName): string[] {
  if (s === 'nodes') return ctx.config.nodes.map((h) => h.name);
  if (s === 'etcd') return ctx.config.etcd.map((h) => h.name);
  return ctx.config.controlPlane.map((h) => h.name);
}

/** Build the plan for `cluster stop` or `cluster start`. */
export function maintenancePlan(action: 'stop' | 'start', stages: StageName[], ctx: MaintenanceContext, gateTimeoutMs = 90_000): Plan<MaintenanceContext> {
  const snapshot: Stage<MaintenanceContext> = {
    id: 'snapshot',
    title: 'snapshot of every running container',
    hosts: ctx.config.nodes.map((h) => h.name),
    gate: { describe: 'dockerd answers on every node', check: async (c) => gateResult(await snapshotContainers(c)), timeoutMs: 15_000, intervalMs: 1000 },
  };
  const text = action === 'stop' ? STOP_GATE_TEXT : START_GATE_TEXT;
  const check = action === 'stop' ? stopGate : startGate;
  return {
    runbook: `cluster ${action}`,
    stages: [
      snapshot,
      ...stages.map(
        (s): Stage<MaintenanceContext> => ({
          id: s,
          title: `${action} ${TITLES[s]}`,
          hosts: hostsOf(ctx, s),
          run: async (c) => {
            c.stageStartedAt = Date.now();
            await c.runStagePlaybook(action, s);
          },
          // a stop gate holds at once or soon; heartbeats and elections get longer than a read
          gate: { describe: text[s], check: async (c) => gateResult(await check(c, s)), timeoutMs: action === 'stop' ? 30_000 : s === 'nodes' || s === 'control-plane' ? gateTimeoutMs : 45_000, intervalMs: 1000 },
        }),
      ),
    ],
  };
}
