// k8s_wait (Drover's own): poll the API until a node condition holds, a set of pods is
// Ready, or the API server's /readyz answers ok. Read-only, so never "changed", and it
// runs in check mode too: later tasks' predictions depend on the cluster being ready.
import type { V1Pod } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { ArgError } from '../args.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../types.js';
import { KUBE_ARGS, kubeFor, type Kube } from './kube-target.js';

/** One poll: `done` ends the wait; `state` is reported if the wait times out. */
interface Probe {
  done: boolean;
  state: Record<string, unknown>;
}

const STATUSES = new Map([['true', 'True'], ['false', 'False'], ['unknown', 'Unknown']]);

/** A pod counts as ready when its Ready condition is True (what kubectl wait --for=condition=Ready checks). */
export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function podsSpec(raw: unknown): { namespace?: string; labelSelector?: string; fieldSelector?: string; minCount: number } {
  const known = new Set(['namespace', 'label_selector', 'field_selector', 'min_count']);
  const spec = raw as Record<string, unknown>;
  for (const k of Object.keys(spec)) if (!known.has(k)) throw new ArgError(`unsupported key in pods: ${k} (supported: ${[...known].join(', ')})`, `pods.${k}`);
  const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : Array.isArray(v) ? v.map(String).join(',') : String(v));
  const minCount = spec.min_count === undefined ? 1 : Number(spec.min_count);
  if (!Number.isInteger(minCount) || minCount < 0) throw new ArgError(`pods.min_count: '${String(spec.min_count)}' is not a whole number`, 'pods.min_count');
  return { namespace: str(spec.namespace), labelSelector: str(spec.label_selector), fieldSelector: str(spec.field_selector), minCount };
}

function nodeProbe(kube: Kube, name: string, type: string, status: string): () => Promise<Probe> {
  return async () => {
    const node = await kube.client.core.readNode({ name });
    const cond = node.status?.conditions?.find((c) => c.type === type);
    return { done: cond?.status === status, state: { node: name, condition: cond ?? { type, status: 'absent' } } };
  };
}

function podsProbe(kube: Kube, spec: ReturnType<typeof podsSpec>): () => Promise<Probe> {
  return async () => {
    const query = { labelSelector: spec.labelSelector, fieldSelector: spec.fieldSelector };
    const list = spec.namespace ? await kube.client.core.listNamespacedPod({ namespace: spec.namespace, ...query }) : await kube.client.core.listPodForAllNamespaces(query);
    const pods = list.items.map((p) => ({ namespace: p.metadata?.namespace, name: p.metadata?.name, phase: p.status?.phase, ready: podReady(p) }));
    const ready = pods.filter((p) => p.ready).length;
    return { done: pods.length >= spec.minCount && ready === pods.length, state: { pods, ready_count: ready, total_count: pods.length } };
  };
}

function readyzProbe(kube: Kube): () => Promise<Probe> {
  return async () => {
    const [{ Health }, { apiCallSignal }] = await Promise.all([import('@kubernetes/client-node'), import('../../kubernetes/api-deadline.js')]);
    const ok = await new Health(kube.client.kc).readyz({ signal: apiCallSignal() });
    return { done: ok, state: { readyz: ok, server: kube.client.kc.getCurrentCluster()?.server } };
  };
}

/** Poll until done or the timeout; API errors are remembered and retried, as the server may be restarting. */
async function poll(ctx: ModuleContext, kube: Kube, probe: () => Promise<Probe>, what: string): Promise<ModuleResult> {
  const started = Date.now();
  const timeoutMs = Number(ctx.args.timeout) * 1000;
  const sleepMs = Math.max(100, Number(ctx.args.sleep) * 1000);
  let last: Record<string, unknown> = {};
  let lastError: string | undefined;
  for (;;) {
    try {
      const p = await probe();
      last = p.state;
      lastError = undefined;
      if (p.done) return { changed: false, ...last, elapsed: (Date.now() - started) / 1000 };
    } catch (err) {
      lastError = kube.message(err);
    }
    if (Date.now() - started >= timeoutMs || ctx.signal.aborted) {
      return { changed: false, failed: true, msg: `timed out after ${ctx.args.timeout}s waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`, ...last, elapsed: (Date.now() - started) / 1000 };
    }
    await sleep(Math.min(sleepMs, Math.max(0, timeoutMs - (Date.now() - started))), undefined, { signal: ctx.signal }).catch(() => undefined);
  }
}

/** k8s_wait: exactly one of `node` (with condition/status), `pods` ({namespace, label_selector, field_selector, min_count}) or `readyz: true`. */
export const k8sWaitModule: ModuleDef = {
  name: 'k8s_wait',
  controllerOnly: true,
  supportsCheck: true,
  args: {
    node: { type: 'str' },
    condition: { type: 'str', default: 'Ready' },
    status: { type: 'str', default: 'True' },
    pods: { type: 'dict' },
    readyz: { type: 'bool', default: false },
    timeout: { type: 'float', default: 120 },
    sleep: { type: 'float', default: 2 },
    ...KUBE_ARGS,
  },
  async run(ctx) {
    const { node, pods, readyz } = ctx.args;
    const chosen = [node !== undefined && node !== null, pods !== undefined && pods !== null, readyz === true].filter(Boolean).length;
    if (chosen !== 1) throw new ArgError('k8s_wait needs exactly one of node, pods, readyz', 'node');
    const status = STATUSES.get(String(ctx.args.status).toLowerCase());
    if (!status) throw new ArgError(`status must be True, False or Unknown, got: ${String(ctx.args.status)}`, 'status');
    const kube = await kubeFor(ctx);
    if (node !== undefined && node !== null) {
      const cond = String(ctx.args.condition);
      return poll(ctx, kube, nodeProbe(kube, String(node), cond, status), `node ${String(node)} condition ${cond}=${status}`);
    }
    if (pods !== undefined && pods !== null) {
      const spec = podsSpec(pods);
      const sel = [spec.namespace ? `namespace ${spec.namespace}` : 'all namespaces', spec.labelSelector, spec.fieldSelector].filter(Boolean).join(', ');
      return poll(ctx, kube, podsProbe(kube, spec), `pods Ready (${sel}; at least ${spec.minCount})`);
    }
    return poll(ctx, kube, readyzProbe(kube), `${kube.client.kc.getCurrentCluster()?.server ?? 'the API server'}/readyz`);
  },
};
