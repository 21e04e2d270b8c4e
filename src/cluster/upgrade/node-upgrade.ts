// One node group of the rolling upgrade: record each node's containers, label it in progress,
// run the node play on the whole group, then prove each node (Ready at the target, and for
// in-place every container kept) and label it done or failed.
import { setTimeout as sleep } from 'node:timers/promises';
import type { GateResult } from '../../runbook/plan.js';
import { listNodes, markNode, type AdminTls } from './api.js';
import { compareContainers, describeRecreated, nodeContainers, type ContainerComparison, type ContainerRecord } from './containers.js';
import { waitNodeAt } from './gates.js';
import { versionIs, type NodeGroup, type UpgradeChoices } from './options.js';
import type { NodeRow } from './report.js';
import { loadSnapshot, saveSnapshot } from './state.js';

/** How long after Ready at the target the containers are watched for a recreation. */
export const SETTLE_MS = 10_000;

export interface NodeGroupContext {
  tls: AdminTls;
  via: string;
  choices: UpgradeChoices;
  stateDir: string;
  /** run the upgrade play limited to these nodes; its exit code */
  play(limit: string): Promise<number>;
  row(r: NodeRow): void;
}

/** Watch the containers for SETTLE_MS; the first recreation ends the watch. */
async function settle(ctx: NodeGroupContext, node: string, before: ContainerRecord[], signal: AbortSignal): Promise<ContainerComparison> {
  const until = Date.now() + SETTLE_MS;
  for (;;) {
    const cmp = compareContainers(before, await nodeContainers(ctx.tls, ctx.via, node));
    if (cmp.recreated.length || Date.now() > until) return cmp;
    await sleep(1000, undefined, { signal });
  }
}

/** Upgrade one group; throws (naming nodes and containers) when its failures exceed the group's limit. */
export async function upgradeNodeGroup(ctx: NodeGroupContext, g: NodeGroup, signal: AbortSignal): Promise<void> {
  const { choices: c } = ctx;
  const failures: string[] = [];
  const acting: { node: string; before: ContainerRecord[]; from: string; started: number }[] = [];
  const seen = await listNodes(ctx.tls, ctx.via);
  for (const name of g.nodes) {
    const n = seen.find((x) => x.name === name);
    const started = Date.now();
    const base = { host: name, role: 'node' as const, strategy: c.strategy, to: c.to };
    if (!n) {
      failures.push(`${name}: not registered`);
      ctx.row({ ...base, from: '?', durationMs: 0, kept: 0, recreated: [], result: 'failed', detail: 'not registered' });
      continue;
    }
    const label = n.labels['drover.io/upgrade'];
    if (versionIs(n.kubeletVersion, c.to) && (label === 'done' || label === undefined)) {
      ctx.row({ ...base, from: n.kubeletVersion ?? '?', durationMs: 0, kept: 0, recreated: [], result: 'ok', detail: 'already at the target, not changed' });
      continue;
    }
    if (label === 'failed') {
      failures.push(`${name}: failed an earlier run; roll it back first (drover cluster rollback --node ${name})`);
      ctx.row({ ...base, from: n.annotations['drover.io/upgrade-from'] ?? '?', durationMs: 0, kept: 0, recreated: [], result: 'failed', detail: 'failed earlier' });
      continue;
    }
    if (!n.ready && c.allowNotReady && label !== 'in-progress') {
      ctx.row({ ...base, from: n.kubeletVersion ?? '?', durationMs: 0, kept: 0, recreated: [], result: 'skipped', detail: 'NotReady (--allow-not-ready)' });
      continue;
    }
    // a node left in progress by a killed run compares against what was recorded before it was touched
    const from = n.annotations['drover.io/upgrade-from'] && label === 'in-progress' ? n.annotations['drover.io/upgrade-from'] : (n.kubeletVersion ?? '?');
    let before = label === 'in-progress' ? loadSnapshot(ctx.stateDir, name, c.to) : undefined;
    if (!before) {
      before = await nodeContainers(ctx.tls, ctx.via, name);
      saveSnapshot(ctx.stateDir, name, c.to, before);
    }
    await markNode(ctx.tls, ctx.via, name, { 'drover.io/upgrade': 'in-progress' }, { 'drover.io/upgrade-from': from, 'drover.io/upgrade-to': c.to, 'drover.io/upgrade-strategy': c.strategy });
    acting.push({ node: name, before, from, started });
  }
  if (acting.length) {
    const code = await ctx.play(acting.map((a) => a.node).join(','));
    await Promise.all(
      acting.map(async (a) => {
        const at = await waitNodeAt(ctx.tls, ctx.via, a.node, c.to, code === 0 ? 120_000 : 5_000, signal);
        let cmp: ContainerComparison = { kept: [], recreated: [] };
        let problem = at.ok ? '' : `not Ready at ${c.to}: ${at.what}${code === 0 ? '' : ` (the play failed, exit ${code})`}`;
        if (!problem && c.strategy === 'in-place') {
          cmp = await settle(ctx, a.node, a.before, signal);
          if (cmp.recreated.length) problem = `recreated ${cmp.recreated.length} of ${a.before.length} containers: ${cmp.recreated.map(describeRecreated).join(', ')}`;
        }
        await markNode(ctx.tls, ctx.via, a.node, { 'drover.io/upgrade': problem ? 'failed' : 'done' });
        if (problem) failures.push(`${a.node}: ${problem}`);
        const kept = c.strategy === 'in-place' ? cmp.kept.length : 0;
        const detail = problem || (c.strategy === 'drain' ? `drained: the pods of ${a.before.length} containers evicted, node uncordoned` : `${kept} containers kept`);
        ctx.row({ host: a.node, role: 'node', strategy: c.strategy, from: a.from, to: c.to, durationMs: Date.now() - a.started, kept, recreated: cmp.recreated.map(describeRecreated), result: problem ? 'failed' : 'ok', detail });
      }),
    );
  }
  const earlierFailed = seen.filter((n) => g.earlier.includes(n.name) && n.labels['drover.io/upgrade'] === 'failed').map((n) => n.name);
  const total = failures.length + earlierFailed.length;
  if (total > g.maxFailures) throw new Error(`${g.label}: ${failures.length} node(s) failed${earlierFailed.length ? `, and ${earlierFailed.length} in earlier batches (${earlierFailed.join(', ')})` : ''}: ${total} > --max-failures ${g.maxFailures}; the rollout stops here, later nodes untouched:\n  ${failures.join('\n  ')}`);
}

/** The group's proof: each node Ready at the target and labelled done (NotReady ones skipped under --allow-not-ready), its failures plus the earlier batches' within --max-failures. */
export async function nodeGroupGate(tls: AdminTls, via: string, c: UpgradeChoices, g: NodeGroup): Promise<GateResult> {
  const seen = await listNodes(tls, via);
  const observations = g.nodes.map((name) => {
    const n = seen.find((x) => x.name === name);
    const label = n?.labels['drover.io/upgrade'] ?? '';
    const done = Boolean(n?.ready && versionIs(n.kubeletVersion, c.to) && (label === 'done' || label === ''));
    const skipped = Boolean(n && !n.ready && c.allowNotReady && label !== 'in-progress');
    return { subject: `node ${name}`, what: n ? `Ready=${n.ready}, kubelet ${n.kubeletVersion ?? '?'}, drover.io/upgrade=${label || '(none)'}` : 'not registered', ok: done || skipped };
  });
  const earlierFailed = seen.filter((n) => g.earlier.includes(n.name) && n.labels['drover.io/upgrade'] === 'failed').length;
  const failed = observations.filter((o) => !o.ok).length + earlierFailed;
  return { ok: failed <= g.maxFailures, observations: observations.map((o) => ({ ...o, ok: o.ok || failed <= g.maxFailures })) };
}
