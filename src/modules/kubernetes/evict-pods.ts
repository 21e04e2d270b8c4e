// Evicting a drained node's pods the way kubectl does: the eviction API (which honours
// PodDisruptionBudgets) retried while it answers 429, or a plain delete when eviction is
// disabled; then waiting until each pod is gone or replaced by a new one of the same name.
import type { V1Pod } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { podKey } from './drain-filter.js';
import type { Kube } from './kube-target.js';

/** How to evict and how long to keep trying. */
export interface EvictOptions {
  /** Delete instead of evicting (skips PodDisruptionBudgets, like kubectl --disable-eviction). */
  disableEviction: boolean;
  /** Grace period for the pods' termination; unset means each pod's own. */
  gracePeriodSeconds?: number;
  /** Absolute time (ms since epoch) after which we stop retrying and waiting. */
  deadline: number;
  /** Pause between 429 retries and between "is it gone yet" polls. */
  sleepMs: number;
  signal?: AbortSignal;
}

/** Thrown when eviction or the wait for deletion cannot finish; names the pods concerned. */
export class EvictionError extends Error {
  constructor(
    message: string,
    readonly pods: string[],
  ) {
    super(message);
    this.name = 'EvictionError';
  }
}

async function pause(opts: EvictOptions): Promise<void> {
  await sleep(Math.max(0, Math.min(opts.sleepMs, opts.deadline - Date.now())), undefined, { signal: opts.signal });
}

/** Evict (or delete) one pod, retrying while a disruption budget answers 429. Returns the number of 429 answers seen. */
export async function evictPod(kube: Kube, pod: V1Pod, opts: EvictOptions): Promise<number> {
  const name = pod.metadata!.name!;
  const namespace = pod.metadata!.namespace!;
  const grace = opts.gracePeriodSeconds;
  let refusals = 0;
  for (;;) {
    try {
      if (opts.disableEviction) {
        await kube.client.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: grace });
      } else {
        await kube.client.core.createNamespacedPodEviction({
          name,
          namespace,
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, ...(grace !== undefined ? { deleteOptions: { gracePeriodSeconds: grace } } : {}) },
        });
      }
      return refusals;
    } catch (err) {
      const status = kube.status(err);
      // Already gone is what we wanted.
      if (status === 404) return refusals;
      if (status !== 429) throw new EvictionError(`evicting ${podKey(pod)} failed: ${kube.message(err)}`, [podKey(pod)]);
      refusals++;
      if (Date.now() >= opts.deadline) {
        throw new EvictionError(`evicting ${podKey(pod)} was refused ${refusals} times until the timeout (a PodDisruptionBudget?): ${kube.message(err)}`, [podKey(pod)]);
      }
      await pause(opts);
    }
  }
}

/** Wait until every pod is deleted (404) or replaced (another UID under its name). */
export async function waitPodsGone(kube: Kube, pods: V1Pod[], opts: EvictOptions): Promise<void> {
  let left = pods;
  for (;;) {
    const still: V1Pod[] = [];
    for (const pod of left) {
      try {
        const now = await kube.client.core.readNamespacedPod({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace! });
        if (now.metadata?.uid === pod.metadata?.uid) still.push(pod);
      } catch (err) {
        if (kube.status(err) !== 404) throw new EvictionError(`checking ${podKey(pod)} failed: ${kube.message(err)}`, [podKey(pod)]);
      }
    }
    left = still;
    if (left.length === 0) return;
    if (Date.now() >= opts.deadline) {
      throw new EvictionError(`timed out waiting for pods to be deleted: ${left.map(podKey).join(', ')}`, left.map(podKey));
    }
    await pause(opts);
  }
}
