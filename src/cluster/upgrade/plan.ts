// The upgrade's plan, a pure function of the cluster and the options: preflight and backup,
// then each control-plane host, then the node groups. `--plan` prints it; the run prints it
// first and executes the same stages (the journal's fingerprint is their ids).
import type { GateResult, Plan, Stage } from '../../runbook/plan.js';
import type { ClusterConfig } from '../cluster-config.js';
import { nodeGroups, type NodeGroup, type UpgradeChoices } from './options.js';

/** What the plan's stages need from the run (implemented in run.ts). */
export interface UpgradeActions {
  controlPlaneHost(host: string, signal: AbortSignal): Promise<void>;
  controlPlaneGate(host: string): Promise<GateResult>;
  nodeGroup(group: NodeGroup, signal: AbortSignal): Promise<void>;
  nodeGroupGate(group: NodeGroup): Promise<GateResult>;
  keepNodes(nodes: string[]): Promise<void>;
}

/** The node flags each strategy uses, as the plan prints them. */
export function nodeFlags(c: UpgradeChoices): string {
  return c.strategy === 'in-place' ? 'kubelet --cgroups-per-qos=false --enforce-node-allocatable= (the 1.5 cgroup layout)' : 'kubelet with the new minor\'s defaults';
}

/** Steps of one node, in order, for the printout. */
export function nodeSteps(c: UpgradeChoices): string[] {
  const act = c.strategy === 'drain'
    ? ['cordon', 'drain (k8s_drain: evict every pod)', `kubelet + kube-proxy -> ${c.to}, ${nodeFlags(c)}`, 'restart kubelet + kube-proxy (dockerd untouched)', `wait Ready with kubeletVersion ${c.to}`, 'uncordon']
    : [`kubelet + kube-proxy -> ${c.to}, ${nodeFlags(c)}`, 'restart kubelet + kube-proxy (dockerd untouched)', `wait Ready with kubeletVersion ${c.to}`, 'compare containers (ID, start time, restartCount): every one must survive'];
  return ['record containers (IDs, names, start times, restartCount)', 'label drover.io/upgrade=in-progress', ...act, 'label drover.io/upgrade=done (or failed)'];
}

/** Steps of one control-plane host, in order. */
export function controlPlaneSteps(config: ClusterConfig, c: UpgradeChoices): string[] {
  return [
    ...(config.apiserverVip ? [`move the VIP ${config.apiserverVip} away (stop keepalived; its peers take it)`] : []),
    `kube-apiserver -> ${c.to} (1.6 flags, storage etcd3 + application/json kept) — check: its version and an API read`,
    `kube-controller-manager -> ${c.to} — check: /healthz`,
    `kube-scheduler -> ${c.to} — check: /healthz`,
    ...(config.apiserverVip ? ['keepalived started again'] : []),
  ];
}

/** Build the plan (stages after preflight and backup, which run before any change). */
export function buildUpgradePlan(config: ClusterConfig, c: UpgradeChoices, actions: UpgradeActions): Plan<unknown> {
  const stages: Stage<unknown>[] = config.controlPlane.map((h) => ({
    id: `control-plane:${h.name}`,
    title: `control plane ${h.name}`,
    hosts: [h.name],
    run: (_ctx, signal) => actions.controlPlaneHost(h.name, signal),
    gate: { describe: `an API read through ${h.name}:6443, its version ${c.to}, the leader locks renewing`, check: () => actions.controlPlaneGate(h.name), timeoutMs: 60_000, intervalMs: 1000 },
  }));
  const nodes = config.nodes.map((n) => n.name);
  if (c.strategy === 'control-plane-only') stages.push({ id: 'nodes:kept', title: `nodes stay at their version (control-plane-only)`, hosts: nodes, run: () => actions.keepNodes(nodes) });
  else for (const g of nodeGroups(nodes, c)) stages.push({ id: g.id, title: `${g.label} (${c.strategy})`, hosts: g.nodes, run: (_ctx, signal) => actions.nodeGroup(g, signal), gate: { describe: `every node of the ${g.label} Ready at ${c.to} and labelled done (at most ${g.maxFailures} failed nodes over the batches so far)`, check: () => actions.nodeGroupGate(g), timeoutMs: 5000, intervalMs: 1000 } });
  return { runbook: `cluster upgrade -> ${c.to} (${c.strategy})`, stages };
}

/** The plan as printed by --plan and at the start of a run: every step, in order, per host. */
export function describeUpgrade(config: ClusterConfig, c: UpgradeChoices, backupDir: string): string[] {
  const lines = [
    `PLAN cluster upgrade ${config.kubeVersion} -> ${c.to}, strategy ${c.strategy}`,
    `1. [controller] preflight: one minor step, every node Ready${c.allowNotReady ? ' (not required: --allow-not-ready)' : ''}, etcd healthy, ${c.to} binaries with their --version, apiserver storage etcd3 + JSON`,
    `2. [controller] fresh verified etcd backup into ${backupDir}`,
  ];
  let n = 3;
  for (const h of config.controlPlane) {
    lines.push(`${n++}. control plane ${h.name}:`);
    for (const s of controlPlaneSteps(config, c)) lines.push(`     - ${s}`);
    lines.push(`     gate: an API read through ${h.name}:6443, its version ${c.to}, the leader locks renewing`);
  }
  if (c.strategy === 'control-plane-only') {
    lines.push(`${n++}. nodes ${config.nodes.map((x) => x.name).join(', ')}: stay at ${config.kubeVersion} (allowed by the skew rules; recorded as drover.io/upgrade=kept)`);
    return lines;
  }
  for (const g of nodeGroups(config.nodes.map((x) => x.name), c)) {
    lines.push(`${n++}. ${g.label}: ${g.nodes.join(', ')} (at once; stop when failures > ${g.maxFailures})`);
    for (const node of g.nodes) for (const s of nodeSteps(c)) lines.push(`     ${node}: ${s}`);
  }
  return lines;
}
