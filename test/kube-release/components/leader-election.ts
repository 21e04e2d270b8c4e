// Leader election as kube-controller-manager and kube-scheduler did it in 1.5/1.6
// (pkg/client/leaderelection with the Endpoints resource lock): the lock is an Endpoints object
// whose annotation holds a JSON record; everyone GETs it, the holder renews it by a PUT carrying
// the resourceVersion it read (a 409 means someone else won the race), and a candidate takes it
// over only once it has seen the record unchanged for a whole lease on its own clock.
import type { Log } from '../runtime/log.js';

type Obj = Record<string, any>;

/** The annotation key of the 1.5/1.6 Endpoints lock. */
export const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

/** glog's JitterFactor in leaderelection.go: a candidate retries every retry × (1 + rand × 1.2). */
export const JITTER_FACTOR = 1.2;

/** What the components need from an API client: one JSON request, answered with its status (any 2xx reads as 200) and body; rejects when unreachable. */
export interface Api {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: Obj }>;
}

/** The JSON record stored in the annotation (field names as the real one writes them). */
export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaderTransitions: number;
}

/** The knobs of one election, from --leader-elect-* flags. */
export interface LeaderElectionConfig {
  api: Api;
  namespace: string;
  name: string;
  identity: string;
  leaseMs: number;
  renewDeadlineMs: number;
  retryMs: number;
  log: Log;
  /** Called once the lock is ours: start the controllers. */
  onStartedLeading(): void;
  /** Called when a renewal did not succeed within the renew deadline (the real components glog.Fatalf here). */
  onStoppedLeading(): void;
}

/** metav1.Time's JSON form: RFC 3339 to the second, UTC. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Parse the annotation; undefined when absent, throws when it is not a record. */
export function readRecord(endpoints: Obj): LeaderElectionRecord | undefined {
  const text = endpoints.metadata?.annotations?.[LEADER_ANNOTATION];
  if (text === undefined) return undefined;
  const r = JSON.parse(String(text)) as LeaderElectionRecord;
  if (typeof r !== 'object' || r === null) throw new Error(`annotation ${LEADER_ANNOTATION} is not a JSON object`);
  return r;
}

/** One candidate: acquire, then renew until a renewal misses the deadline. */
export class LeaderElector {
  private observed = '';
  private observedAt = 0;
  private leading = false;

  constructor(private readonly c: LeaderElectionConfig) {}

  private get path(): string {
    return `/api/v1/namespaces/${this.c.namespace}/endpoints`;
  }

  private get desc(): string {
    return `${this.c.namespace}/${this.c.name}`;
  }

  /** True while this process holds the lock as far as it knows. */
  isLeader(): boolean {
    return this.leading;
  }

  /** Blocks until the lock is acquired, calls onStartedLeading, then renews forever (or until onStoppedLeading). */
  async run(): Promise<void> {
    this.c.log.info(`attempting to acquire leader lease ${this.desc}...`);
    for (;;) {
      if (await this.tryAcquireOrRenew()) break;
      await sleep(this.c.retryMs * (1 + Math.random() * JITTER_FACTOR));
    }
    this.leading = true;
    this.c.log.info(`successfully acquired lease ${this.desc}`);
    await this.event(`${this.c.identity} became leader`);
    this.c.onStartedLeading();
    // wait.Until(wait.Poll(retry, renewDeadline, tryAcquireOrRenew), 0): each round polls every
    // retry period; a round that does not succeed within the renew deadline ends the leadership.
    for (;;) {
      const deadline = Date.now() + this.c.renewDeadlineMs;
      let renewed = false;
      while (!renewed && Date.now() < deadline) {
        await sleep(Math.min(this.c.retryMs, Math.max(0, deadline - Date.now())));
        const left = deadline - Date.now();
        if (left <= 0) break;
        renewed = await Promise.race([this.tryAcquireOrRenew(), sleep(left).then(() => false)]);
      }
      if (!renewed) {
        this.leading = false;
        this.c.log.info(`failed to renew lease ${this.desc}`);
        this.c.onStoppedLeading();
        return;
      }
    }
  }

  /** One attempt: create the lock if absent, else take or renew it when allowed. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const mine: LeaderElectionRecord = { holderIdentity: this.c.identity, leaseDurationSeconds: Math.floor(this.c.leaseMs / 1000), acquireTime: rfc3339(now), renewTime: rfc3339(now), leaderTransitions: 0 };
    let got;
    try {
      got = await this.c.api.request('GET', `${this.path}/${this.c.name}`);
    } catch (e) {
      this.c.log.error(`error retrieving resource lock ${this.desc}: ${(e as Error).message}`);
      return false;
    }
    if (got.status === 404) {
      const body = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: this.c.name, namespace: this.c.namespace, annotations: { [LEADER_ANNOTATION]: JSON.stringify(mine) } } };
      const created = await this.c.api.request('POST', this.path, body).catch((e: Error) => ({ status: 0, body: { message: e.message } }));
      if (created.status !== 200) {
        this.c.log.error(`error initially creating leader election record: ${created.body.message ?? `HTTP ${created.status}`}`);
        return false;
      }
      this.observe(JSON.stringify(mine));
      return true;
    }
    if (got.status !== 200) {
      this.c.log.error(`error retrieving resource lock ${this.desc}: ${got.body.message ?? `HTTP ${got.status}`}`);
      return false;
    }
    let old: LeaderElectionRecord | undefined;
    try {
      old = readRecord(got.body);
    } catch (e) {
      this.c.log.error(`error unmarshaling leader election record: ${(e as Error).message}`);
      return false;
    }
    const oldText = JSON.stringify(old ?? {});
    // the lease counts from when the answer arrived (client-go: time.Now() after the GET), not from
    // when it was asked: a GET that hung on a stalled server must not make a fresh record look old
    if (oldText !== this.observed) this.observe(oldText);
    const holder = old?.holderIdentity ?? '';
    if (this.observedAt + this.c.leaseMs > now.getTime() && holder !== this.c.identity) {
      if (this.c.log.v(4)) this.c.log.info(`lock is held by ${holder} and has not yet expired`);
      return false;
    }
    if (holder === this.c.identity) {
      mine.acquireTime = old!.acquireTime;
      mine.leaderTransitions = old!.leaderTransitions;
    } else mine.leaderTransitions = (old?.leaderTransitions ?? 0) + 1;
    const next = { ...got.body, metadata: { ...got.body.metadata, annotations: { ...got.body.metadata.annotations, [LEADER_ANNOTATION]: JSON.stringify(mine) } } };
    const put = await this.c.api.request('PUT', `${this.path}/${this.c.name}`, next).catch((e: Error) => ({ status: 0, body: { message: e.message } }));
    if (put.status !== 200) {
      this.c.log.error(`Failed to update lock: ${put.body.message ?? `HTTP ${put.status}`}`);
      return false;
    }
    this.observe(JSON.stringify(mine));
    return true;
  }

  private observe(text: string): void {
    this.observed = text;
    this.observedAt = Date.now();
  }

  /** The LeaderElection event the real lock records on its object (best effort). */
  private async event(message: string): Promise<void> {
    const t = rfc3339(new Date());
    const ev = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { generateName: `${this.c.name}.`, namespace: this.c.namespace },
      involvedObject: { kind: 'Endpoints', namespace: this.c.namespace, name: this.c.name, apiVersion: 'v1' },
      reason: 'LeaderElection', message, type: 'Normal', source: { component: this.c.name }, firstTimestamp: t, lastTimestamp: t, count: 1,
    };
    await this.c.api.request('POST', `/api/v1/namespaces/${this.c.namespace}/events`, ev).catch(() => undefined);
  }
}
