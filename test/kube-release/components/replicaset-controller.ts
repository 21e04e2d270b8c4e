// The ReplicaSet controller of kube-controller-manager 1.5/1.6 (pkg/controller/replicaset), the
// part a drain depends on: every extensions/v1beta1 ReplicaSet is kept at spec.replicas active
// pods. Missing pods are created from spec.template (generateName "<rs>-", a controller
// ownerReference and the era's kubernetes.io/created-by annotation); extra ones are deleted,
// the least settled first (unbound, then pending, then not ready). Pods being deleted or
// finished do not count, so an evicted pod is replaced at once. 1.6 adopts matching orphans
// (ControllerRef); 1.5 counts every matching pod. Polls the API (no informers), as the
// other stand-in controllers do.
import type { Log } from '../runtime/log.js';
import { selectorMatches } from '../../k8s-sim/replicasets.js';
import type { Api } from './leader-election.js';

type Obj = Record<string, any>;

/** What the controller needs: the API, a log, the minor (5 or 6) and its poll period. */
export interface ReplicaSetControllerConfig {
  api: Api;
  log: Log;
  minor: number;
  periodMs?: number;
  /** at most this many creations or deletions per ReplicaSet and pass (the real burstReplicas) */
  burst?: number;
}

const RS_PATH = '/apis/extensions/v1beta1/replicasets';
const CREATED_BY = 'kubernetes.io/created-by';

/** The controller ownerReference of an object, if any. */
export function controllerOf(o: Obj): Obj | undefined {
  return (o.metadata?.ownerReferences ?? []).find((r: Obj) => r.controller);
}

/** Active = counted against replicas: not finished and not being deleted (controller.FilterActivePods). */
export function isActive(p: Obj): boolean {
  return !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
}

const podReady = (p: Obj): boolean => (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');

/** The order extras are deleted in (controller.ActivePods): unbound, pending, not ready, then the newest. */
export function deletionOrder(a: Obj, b: Obj): number {
  const rank = (p: Obj): number[] => [p.spec?.nodeName ? 1 : 0, ({ Pending: 0, Unknown: 1, Running: 2 } as Record<string, number>)[p.status?.phase ?? 'Pending'] ?? 0, podReady(p) ? 1 : 0];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? ''));
}

/** The ownerReference a ReplicaSet puts on its pods (1.6 adds blockOwnerDeletion). */
export function ownerRef(rs: Obj, minor: number): Obj {
  return { apiVersion: 'extensions/v1beta1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, ...(minor >= 6 ? { blockOwnerDeletion: true } : {}) };
}

/** A pod from the ReplicaSet's template, as controller.GetPodFromTemplate builds it. */
export function podFromTemplate(rs: Obj, minor: number): Obj {
  const t: Obj = rs.spec?.template ?? {};
  const createdBy = { kind: 'SerializedReference', apiVersion: 'v1', reference: { kind: 'ReplicaSet', namespace: rs.metadata.namespace, name: rs.metadata.name, uid: rs.metadata.uid, apiVersion: 'extensions/v1beta1', resourceVersion: rs.metadata.resourceVersion } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}) },
      annotations: { ...(t.metadata?.annotations ?? {}), [CREATED_BY]: JSON.stringify(createdBy) },
      ownerReferences: [ownerRef(rs, minor)],
    },
    spec: structuredClone(t.spec ?? {}),
  };
}

/** The pods a ReplicaSet counts: 1.6 its own (controllerRef uid) plus matching orphans; 1.5 every matching pod. */
export function podsOf(rs: Obj, pods: Obj[], minor: number): { owned: Obj[]; orphans: Obj[] } {
  const owned: Obj[] = [];
  const orphans: Obj[] = [];
  for (const p of pods) {
    if (p.metadata?.namespace !== rs.metadata.namespace) continue;
    const ref = controllerOf(p);
    if (ref?.uid === rs.metadata.uid) owned.push(p);
    else if (selectorMatches(rs.spec?.selector, p.metadata?.labels)) {
      if (minor < 6) owned.push(p);
      else if (!ref && isActive(p)) orphans.push(p);
    }
  }
  return { owned, orphans };
}

/** Runs syncReplicaSet for every ReplicaSet each period until stop(). */
export class ReplicaSetController {
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly c: ReplicaSetControllerConfig) {}

  /** Start the loop (called when leading). */
  start(): void {
    this.c.log.info('Starting ReplicaSet controller');
    void this.pass();
    this.timer = setInterval(() => void this.pass(), this.c.periodMs ?? 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass: list ReplicaSets and pods once, then sync each ReplicaSet. */
  async pass(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const [sets, pods] = await Promise.all([this.c.api.request('GET', RS_PATH), this.c.api.request('GET', '/api/v1/pods')]);
      if (sets.status !== 200 || pods.status !== 200) throw new Error(`listing: HTTP ${sets.status}/${pods.status}`);
      for (const rs of (sets.body.items ?? []) as Obj[]) {
        if (rs.metadata?.deletionTimestamp) continue;
        await this.sync(rs, pods.body.items ?? []).catch((e: Error) => this.c.log.error(`Error syncing ReplicaSet ${rs.metadata.namespace}/${rs.metadata.name}: ${e.message}`));
      }
    } catch (e) {
      this.c.log.error(`ReplicaSet controller pass failed: ${(e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async sync(rs: Obj, all: Obj[]): Promise<void> {
    const key = `${rs.metadata.namespace}/${rs.metadata.name}`;
    const { owned, orphans } = podsOf(rs, all, this.c.minor);
    for (const p of orphans) {
      const adopted = { ...p, metadata: { ...p.metadata, ownerReferences: [...(p.metadata.ownerReferences ?? []), ownerRef(rs, this.c.minor)] } };
      const put = await this.c.api.request('PUT', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`, adopted);
      if (put.status === 200) owned.push(put.body);
    }
    const active = owned.filter(isActive);
    const want = Number(rs.spec?.replicas ?? 1);
    const burst = this.c.burst ?? 500;
    const diff = active.length - want;
    if (diff < 0) {
      const n = Math.min(-diff, burst);
      this.c.log.info(`Too few replicas for ReplicaSet ${key}, need ${want}, creating ${n}`);
      for (let i = 0; i < n; i++) {
        const res = await this.c.api.request('POST', `/api/v1/namespaces/${rs.metadata.namespace}/pods`, podFromTemplate(rs, this.c.minor));
        if (res.status !== 200 && res.status !== 201) throw new Error(`creating a pod: HTTP ${res.status} ${res.body.message ?? ''}`);
        active.push(res.body);
        await this.event(rs, 'SuccessfulCreate', `Created pod: ${res.body.metadata?.name}`);
      }
    } else if (diff > 0) {
      const n = Math.min(diff, burst);
      this.c.log.info(`Too many replicas for ReplicaSet ${key}, need ${want}, deleting ${n}`);
      const extras = [...active].sort(deletionOrder).slice(0, n);
      for (const p of extras) {
        const res = await this.c.api.request('DELETE', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`);
        if (res.status !== 200 && res.status !== 404) throw new Error(`deleting pod ${p.metadata.name}: HTTP ${res.status}`);
        active.splice(active.indexOf(p), 1);
        await this.event(rs, 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      }
    }
    await this.updateStatus(rs, active);
  }

  /** status.replicas / fullyLabeledReplicas / readyReplicas / observedGeneration, written only when changed. */
  private async updateStatus(rs: Obj, active: Obj[]): Promise<void> {
    const labels: Record<string, string> = rs.spec?.template?.metadata?.labels ?? {};
    const status: Obj = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => Object.entries(labels).every(([k, v]) => p.metadata?.labels?.[k] === v)).length,
      readyReplicas: active.filter(podReady).length,
      ...(this.c.minor >= 6 ? { availableReplicas: active.filter(podReady).length } : {}),
      observedGeneration: rs.metadata.generation ?? 1,
    };
    const cur: Obj = rs.status ?? {};
    if (Object.entries(status).every(([k, v]) => (cur[k] ?? 0) === v)) return;
    const res = await this.c.api.request('PUT', `${RS_PATH.replace('/replicasets', '')}/namespaces/${rs.metadata.namespace}/replicasets/${rs.metadata.name}/status`, { ...rs, status: { ...cur, ...status } });
    if (res.status !== 200 && res.status !== 409) throw new Error(`updating status: HTTP ${res.status} ${res.body.message ?? ''}`);
  }

  private async event(rs: Obj, reason: string, message: string): Promise<void> {
    const t = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ev = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { generateName: `${rs.metadata.name}.`, namespace: rs.metadata.namespace },
      involvedObject: { kind: 'ReplicaSet', namespace: rs.metadata.namespace, name: rs.metadata.name, uid: rs.metadata.uid, apiVersion: 'extensions/v1beta1' },
      reason, message, type: 'Normal', source: { component: 'replicaset-controller' }, firstTimestamp: t, lastTimestamp: t, count: 1,
    };
    await this.c.api.request('POST', `/api/v1/namespaces/${rs.metadata.namespace}/events`, ev).catch(() => undefined);
  }
}
