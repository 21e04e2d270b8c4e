// The node controller of kube-controller-manager 1.5/1.6 (pkg/controller/node), the parts the
// runbooks depend on: a node whose kubelet stopped posting status for --node-monitor-grace-period
// (judged on this process's clock, from when it last SAW the heartbeat change) gets Ready=Unknown
// and its pods Ready=False; its pods are deleted --pod-eviction-timeout later, through a per-zone rate limiter
// (--node-eviction-rate); no evictions when every node is NotReady ("master disruption"), nor in
// a zone of more than 2 NotReady nodes making ≥ --unhealthy-zone-threshold of it (small clusters).
import type { Log } from '../runtime/log.js';
import { rfc3339, type Api } from './leader-election.js';

type Obj = Record<string, any>;

/** The node controller's flags, in milliseconds / per second. */
export interface NodeControllerConfig {
  api: Api;
  log: Log;
  monitorPeriodMs: number;
  gracePeriodMs: number;
  startupGraceMs: number;
  evictionTimeoutMs: number;
  evictionQps: number;
  secondaryEvictionQps: number;
  unhealthyZoneThreshold: number;
  largeClusterThreshold: number;
}

/** A zone's health as ComputeZoneState classifies it. */
export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** ComputeZoneState: all NotReady → full; more than 2 NotReady and at least the threshold share → partial. */
export function zoneState(readyFlags: boolean[], unhealthyThreshold: number): ZoneState {
  const ready = readyFlags.filter(Boolean).length;
  const notReady = readyFlags.length - ready;
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyThreshold) return 'PartialDisruption';
  return 'Normal';
}

/** The zone key of a node: region and zone labels of that era (empty for unlabelled nodes). */
export function zoneOf(node: Obj): string {
  const l = node.metadata?.labels ?? {};
  return `${l['failure-domain.beta.kubernetes.io/region'] ?? ''}:\u0000:${l['failure-domain.beta.kubernetes.io/zone'] ?? ''}`;
}

/** flowcontrol's token bucket with burst 1, as the zone evictors use (qps 0 never accepts). */
export class TokenBucket {
  private tokens = 1;
  private last = Date.now();
  constructor(public qps: number) {}
  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const t = Date.now();
    this.tokens = Math.min(1, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Seen {
  heartbeat: string; // the Ready condition's lastHeartbeatTime as last seen ('' if none)
  readyStatus: string;
  probeAt: number; // when this process saw the heartbeat change
  readyTransitionAt: number;
  evicted: boolean; // pods already deleted in this NotReady spell (the evictor's set keeps the node until it is Ready)
}

const readyOf = (n: Obj): Obj | undefined => (n.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');

/** Runs the monitor loop (and the eviction queue) until stop() is called. */
export class NodeController {
  private readonly seen = new Map<string, Seen>();
  private readonly evictors = new Map<string, TokenBucket>();
  private readonly queue = new Map<string, string>(); // node name → zone, waiting for its zone's limiter
  private allDisrupted = false;
  private timers: NodeJS.Timeout[] = [];
  private busy = false;

  constructor(private readonly c: NodeControllerConfig) {}

  /** Start monitoring every --node-monitor-period and draining the eviction queue every 100 ms. */
  start(): void {
    this.c.log.info(`Starting node controller (grace ${this.c.gracePeriodMs / 1000}s, pod eviction timeout ${this.c.evictionTimeoutMs / 1000}s)`);
    void this.tick(); // wait.Until: at once, then every period
    this.timers.push(setInterval(() => void this.tick(), this.c.monitorPeriodMs));
    this.timers.push(setInterval(() => void this.drainQueue(), 100));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.monitorNodeStatus();
    } catch (e) {
      this.c.log.error(`Error monitoring node status: ${(e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /** One pass of monitorNodeStatus: update conditions, then the zones, then queue or cancel evictions. */
  async monitorNodeStatus(): Promise<void> {
    const list = await this.c.api.request('GET', '/api/v1/nodes');
    if (list.status !== 200) throw new Error(`listing nodes: HTTP ${list.status} ${list.body.message ?? ''}`);
    const nodes: Obj[] = list.body.items ?? [];
    for (const name of [...this.seen.keys()]) if (!nodes.some((n) => n.metadata.name === name)) this.seen.delete(name);
    const zones = new Map<string, boolean[]>();
    const states: { node: Obj; ready: Obj | undefined; seen: Seen }[] = [];
    for (const n of nodes) {
      const { node, seen } = await this.tryUpdateNodeStatus(n);
      const ready = readyOf(node);
      states.push({ node, ready, seen });
      const z = zoneOf(node);
      zones.set(z, [...(zones.get(z) ?? []), ready?.status === 'True']);
    }
    const zoneStates = new Map([...zones].map(([z, flags]) => [z, zoneState(flags, this.c.unhealthyZoneThreshold)]));
    this.handleDisruption(zoneStates, zones);
    if (this.allDisrupted) return;
    const now = Date.now();
    for (const { node, ready, seen } of states) {
      const name = node.metadata.name as string;
      if (ready?.status === 'True') {
        if (this.queue.delete(name)) this.c.log.info(`Node ${name} is ready again, cancelled pod eviction`);
        seen.evicted = false;
        continue;
      }
      const since = ready?.status === 'False' ? seen.readyTransitionAt : seen.probeAt;
      if (now - since > this.c.evictionTimeoutMs && !this.queue.has(name) && !seen.evicted) {
        this.c.log.info(`Evicting pods on node ${name}: ${new Date(now).toISOString()} is later than ${new Date(since + this.c.evictionTimeoutMs).toISOString()}`);
        this.queue.set(name, zoneOf(node));
      }
    }
  }

  /** tryUpdateNodeStatus: track when the heartbeat last changed; past the grace period set Ready (and the others) Unknown. */
  private async tryUpdateNodeStatus(node: Obj): Promise<{ node: Obj; seen: Seen }> {
    const name = node.metadata.name as string;
    const now = Date.now();
    const ready = readyOf(node);
    const heartbeat = ready ? String(ready.lastHeartbeatTime ?? '') : '';
    let seen = this.seen.get(name);
    let grace = this.c.gracePeriodMs;
    if (!ready) grace = this.c.startupGraceMs;
    if (!seen) {
      // a restarted controller-manager has no history: "now" is every node's last heartbeat
      seen = { heartbeat, readyStatus: ready?.status ?? '', probeAt: ready ? now : Date.parse(node.metadata.creationTimestamp) || now, readyTransitionAt: now, evicted: false };
      this.seen.set(name, seen);
    } else if (heartbeat !== seen.heartbeat) {
      seen.probeAt = now;
      if ((ready?.status ?? '') !== seen.readyStatus) seen.readyTransitionAt = now;
      seen.heartbeat = heartbeat;
      seen.readyStatus = ready?.status ?? '';
    }
    if (now - seen.probeAt <= grace || ready?.status === 'Unknown') return { node, seen };
    const t = rfc3339(new Date(now));
    const conditions: Obj[] = (node.status?.conditions ?? []).map((c: Obj) => ({ ...c }));
    if (!ready) {
      conditions.push({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: t });
    } else {
      for (const c of conditions) {
        if (!['Ready', 'OutOfDisk', 'MemoryPressure', 'DiskPressure'].includes(c.type) || c.status === 'Unknown') continue;
        c.status = 'Unknown';
        c.reason = 'NodeStatusUnknown';
        c.message = 'Kubelet stopped posting node status.';
        c.lastTransitionTime = t;
      }
    }
    const next = { ...node, status: { ...node.status, conditions } };
    const put = await this.c.api.request('PUT', `/api/v1/nodes/${name}/status`, next);
    if (put.status !== 200) {
      this.c.log.error(`Error updating node ${name}: HTTP ${put.status} ${put.body.message ?? ''}`);
      return { node, seen };
    }
    this.c.log.info(`node ${name} hasn't been updated for ${Math.round((now - seen.probeAt) / 1000)}s. Last ready condition is: ${ready?.status ?? 'none'}`);
    if (ready?.status === 'True') {
      await this.event(put.body, 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      await this.markAllPodsNotReady(name).catch((e: Error) => this.c.log.error(`Unable to mark all pods NotReady on node ${name}: ${e.message}`));
    }
    seen.readyStatus = 'Unknown';
    seen.readyTransitionAt = now;
    seen.heartbeat = String(readyOf(put.body)?.lastHeartbeatTime ?? '');
    return { node: put.body, seen };
  }

  /** handleDisruption: master disruption mode when every zone is fully disrupted; per-zone eviction rates otherwise. */
  private handleDisruption(states: Map<string, ZoneState>, zones: Map<string, boolean[]>): void {
    const all = states.size > 0 && [...states.values()].every((s) => s === 'FullDisruption');
    if (all && !this.allDisrupted) {
      this.c.log.info('Controller detected that all Nodes are not-Ready. Entering master disruption mode.');
      this.queue.clear();
    }
    if (!all && this.allDisrupted) {
      this.c.log.info('Controller detected that some Nodes are Ready. Exiting master disruption mode.');
      const now = Date.now();
      for (const s of this.seen.values()) {
        s.probeAt = now;
        s.readyTransitionAt = now;
      }
    }
    this.allDisrupted = all;
    for (const [z, state] of states) {
      const size = zones.get(z)?.length ?? 0;
      const qps = state === 'PartialDisruption' ? (size > this.c.largeClusterThreshold ? this.c.secondaryEvictionQps : 0) : this.c.evictionQps;
      const bucket = this.evictors.get(z);
      if (!bucket) this.evictors.set(z, new TokenBucket(qps));
      else bucket.qps = qps;
    }
  }

  /** The zone evictors: each queued node whose zone limiter allows it has its pods deleted. */
  private async drainQueue(): Promise<void> {
    if (this.allDisrupted) return;
    for (const [name, zone] of [...this.queue]) {
      if (!this.evictors.get(zone)?.tryAccept()) continue;
      this.queue.delete(name);
      try {
        await this.deletePods(name);
        const seen = this.seen.get(name);
        if (seen) seen.evicted = true;
      } catch (e) {
        this.c.log.error(`Failed to evict pods of node ${name}: ${(e as Error).message}`);
        this.queue.set(name, zone);
      }
    }
  }

  /** markAllPodsNotReady: when this controller flips a node from Ready, its pods' Ready condition goes False (pods/status). */
  private async markAllPodsNotReady(node: string): Promise<void> {
    const res = await this.c.api.request('GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${node}`)}`);
    if (res.status !== 200) throw new Error(`listing pods: HTTP ${res.status}`);
    for (const p of (res.body.items ?? []) as Obj[]) {
      const conditions: Obj[] = p.status?.conditions ?? [];
      if (!conditions.some((c) => c.type === 'Ready' && c.status !== 'False')) continue;
      const next = { ...p, status: { ...p.status, conditions: conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c)) } };
      const put = await this.c.api.request('PUT', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/status`, next);
      if (put.status !== 200) throw new Error(`pod ${p.metadata.namespace}/${p.metadata.name}: HTTP ${put.status} ${put.body.message ?? ''}`);
    }
  }

  /** deletePods: a graceful DELETE of every pod bound to the node, DaemonSet pods excepted. */
  private async deletePods(node: string): Promise<void> {
    const res = await this.c.api.request('GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${node}`)}`);
    if (res.status !== 200) throw new Error(`listing pods: HTTP ${res.status}`);
    const pods: Obj[] = res.body.items ?? [];
    if (pods.length) await this.event({ kind: 'Node', apiVersion: 'v1', metadata: { name: node, uid: node } }, 'DeletingAllPods', `Deleting all Pods from Node ${node}.`);
    for (const p of pods) {
      if ((p.metadata.ownerReferences ?? []).some((o: Obj) => o.kind === 'DaemonSet')) continue;
      if (p.metadata.deletionTimestamp) continue;
      this.c.log.info(`Starting deletion of pod ${p.metadata.namespace}/${p.metadata.name}`);
      const del = await this.c.api.request('DELETE', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`);
      if (del.status !== 200 && del.status !== 404) throw new Error(`deleting pod ${p.metadata.namespace}/${p.metadata.name}: HTTP ${del.status}`);
    }
  }

  private async event(obj: Obj, reason: string, message: string): Promise<void> {
    const t = rfc3339(new Date());
    const ev = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { generateName: `${obj.metadata.name}.`, namespace: 'default' },
      involvedObject: { kind: 'Node', name: obj.metadata.name, uid: obj.metadata.name, apiVersion: 'v1' },
      reason, message, type: 'Normal', source: { component: 'controllermanager' }, firstTimestamp: t, lastTimestamp: t, count: 1,
    };
    await this.c.api.request('POST', '/api/v1/namespaces/default/events', ev).catch(() => undefined);
  }
}
