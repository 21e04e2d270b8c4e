// k8s_drain (kubernetes.core.k8s_drain): cordon, uncordon or drain a node. A drain is
// planned before anything changes (a pod that would block it fails the task with the node
// untouched), then the node is cordoned, its pods are evicted and we wait until they are gone.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { FileDiff, ModuleContext, ModuleDef, ModuleResult } from '../types.js';
import { parseDrainOptions, type DrainOptions } from './drain-options.js';
import { planDrain, podKey, type DrainPlan } from './drain-filter.js';
import { EvictionError, evictPod, waitPodsGone } from './evict-pods.js';
import { KUBE_ARGS, kubeFor, type Kube } from './kube-target.js';

function cordonDiff(name: string, before: boolean, after: boolean): FileDiff[] {
  const header = `node/${name} spec.unschedulable`;
  return [{ before: `unschedulable: ${before}\n`, after: `unschedulable: ${after}\n`, before_header: header, after_header: header }];
}

/** Set or clear spec.unschedulable (null removes the field, as kubectl uncordon leaves it). */
async function setUnschedulable(kube: Kube, name: string, on: boolean): Promise<void> {
  await kube.client.core.patchNode({ name, body: { spec: { unschedulable: on ? true : null } } }, kube.mergePatch);
}

async function nodePods(kube: Kube, name: string, selectors: string[]): Promise<V1Pod[]> {
  const list = await kube.client.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}`, labelSelector: selectors.length ? selectors.join(',') : undefined });
  return list.items;
}

function blockedMessage(name: string, plan: DrainPlan): string {
  return `cannot drain node ${name}: ${plan.blocking.map((b) => `${b.pod}: ${b.reason}`).join('; ')}`;
}

async function cordonOnly(ctx: ModuleContext, kube: Kube, node: V1Node, want: boolean): Promise<ModuleResult> {
  const name = node.metadata!.name!;
  const cordoned = node.spec?.unschedulable === true;
  const verb = want ? 'cordoned' : 'uncordoned';
  if (cordoned === want) return { changed: false, result: `node ${name} already ${verb}` };
  const result: ModuleResult = { changed: true, result: ctx.check ? `node ${name} would be ${verb}` : `node ${name} ${verb}` };
  if (ctx.diff) result.diff = cordonDiff(name, cordoned, want);
  if (!ctx.check) await setUnschedulable(kube, name, want);
  return result;
}

async function drain(ctx: ModuleContext, kube: Kube, node: V1Node, opts: DrainOptions, selectors: string[]): Promise<ModuleResult> {
  const name = node.metadata!.name!;
  const cordoned = node.spec?.unschedulable === true;
  const filter = { ignoreDaemonsets: opts.ignoreDaemonsets, deleteEmptydirData: opts.deleteEmptydirData, force: opts.force };
  let plan = planDrain(await nodePods(kube, name, selectors), filter);
  if (plan.blocking.length) return { changed: false, failed: true, msg: blockedMessage(name, plan), blocking_pods: plan.blocking };
  const report = (p: DrainPlan): Record<string, unknown> => ({ evicted_pods: p.evict.map(podKey), skipped_pods: p.skipped, ...(p.warnings.length ? { warnings: p.warnings } : {}) });
  const diff = ctx.diff && !cordoned ? { diff: cordonDiff(name, false, true) } : {};
  if (ctx.check) {
    const changed = !cordoned || plan.evict.length > 0;
    return { changed, result: changed ? `node ${name} would be drained` : `node ${name} already drained`, ...report(plan), ...diff };
  }
  if (!cordoned) await setUnschedulable(kube, name, true);
  // Pods may have been scheduled between the plan and the cordon: plan again now that none can arrive.
  plan = planDrain(await nodePods(kube, name, selectors), filter);
  if (plan.blocking.length) return { changed: !cordoned, failed: true, msg: blockedMessage(name, plan), blocking_pods: plan.blocking };
  const evictOpts = {
    disableEviction: opts.disableEviction,
    gracePeriodSeconds: opts.terminateGracePeriod,
    deadline: opts.waitTimeout > 0 ? Date.now() + opts.waitTimeout * 1000 : Infinity,
    sleepMs: opts.waitSleep * 1000,
    signal: ctx.signal,
  };
  try {
    // Like kubectl, evict in parallel: one pod's disruption budget must not hold up the others.
    const refusals = await Promise.all(plan.evict.map((p) => evictPod(kube, p, evictOpts)));
    await waitPodsGone(kube, plan.evict, evictOpts);
    const changed = !cordoned || plan.evict.length > 0;
    return { changed, result: changed ? `node ${name} drained` : `node ${name} already drained`, ...report(plan), eviction_retries: refusals.reduce((a, b) => a + b, 0), ...diff };
  } catch (err) {
    if (!(err instanceof EvictionError)) throw err;
    return { changed: true, failed: true, msg: `draining node ${name}: ${err.message}`, pending_pods: err.pods, ...report(plan), ...diff };
  }
}

/** kubernetes.core.k8s_drain: state drain (default), cordon or uncordon for node `name`. */
export const k8sDrainModule: ModuleDef = {
  name: 'k8s_drain',
  aliases: ['kubernetes.core.k8s_drain'],
  controllerOnly: true,
  supportsCheck: true,
  args: {
    name: { type: 'str', required: true },
    state: { type: 'str', default: 'drain', choices: ['drain', 'cordon', 'uncordon'] },
    delete_options: { type: 'dict' },
    pod_selectors: { type: 'list', aliases: ['label_selectors'] },
    ...KUBE_ARGS,
  },
  async run(ctx) {
    const opts = parseDrainOptions(ctx.args.delete_options);
    const selectors = ((ctx.args.pod_selectors as unknown[] | undefined) ?? []).map(String);
    const name = String(ctx.args.name);
    const kube = await kubeFor(ctx);
    let node: V1Node;
    try {
      node = await kube.client.core.readNode({ name });
    } catch (err) {
      return { changed: false, failed: true, msg: kube.status(err) === 404 ? `node ${name} not found` : `reading node ${name}: ${kube.message(err)}` };
    }
    const state = String(ctx.args.state);
    try {
      if (state !== 'drain') return await cordonOnly(ctx, kube, node, state === 'cordon');
      return await drain(ctx, kube, node, opts, selectors);
    } catch (err) {
      if (kube.status(err) === undefined) throw err;
      return { changed: false, failed: true, msg: `${state} node ${name}: ${kube.message(err)}` };
    }
  },
};
