// The decision rules of the controller-manager and scheduler stand-ins, without processes:
// lock acquisition/renewal against an in-memory Endpoints store with resourceVersion checks,
// the node controller's zone states and eviction limiter, and the scheduler's per-minor taint
// reading and fit predicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEADER_ANNOTATION, LeaderElector, readRecord, type Api } from '../../kube-release/components/leader-election.js';
import { TokenBucket, zoneState } from '../../kube-release/components/node-controller.js';
import { fitError, isOurs, nodeSchedulable, quantity } from '../../kube-release/components/scheduler.js';
import type { Log } from '../../kube-release/runtime/log.js';

type Obj = Record<string, any>;

const quiet: Log = { info: () => undefined, warning: () => undefined, error: () => undefined, fatal: (m) => { throw new Error(m); }, v: () => false };

/** Endpoints in memory with the apiserver's create-conflict and stale-resourceVersion rules. */
function endpointsStore(): Api & { obj?: Obj } {
  let rv = 1;
  const s: Api & { obj?: Obj } = {
    async request(method, path, body) {
      const b = structuredClone(body) as Obj;
      if (method === 'GET') return s.obj ? { status: 200, body: structuredClone(s.obj) } : { status: 404, body: { reason: 'NotFound' } };
      if (method === 'POST' && path.endsWith('/endpoints')) {
        if (s.obj) return { status: 409, body: { reason: 'AlreadyExists' } };
        s.obj = { ...b, metadata: { ...b.metadata, resourceVersion: String(++rv) } };
        return { status: 200, body: s.obj };
      }
      if (method === 'PUT') {
        if (b.metadata.resourceVersion !== s.obj?.metadata.resourceVersion) return { status: 409, body: { reason: 'Conflict', message: 'the object has been modified' } };
        s.obj = { ...b, metadata: { ...b.metadata, resourceVersion: String(++rv) } };
        return { status: 200, body: s.obj };
      }
      return { status: 201, body: {} }; // events
    },
  };
  return s;
}

const elector = (api: Api, identity: string, leaseMs = 300): LeaderElector =>
  new LeaderElector({ api, log: quiet, namespace: 'kube-system', name: 'kube-controller-manager', identity, leaseMs, renewDeadlineMs: 200, retryMs: 50, onStartedLeading: () => undefined, onStoppedLeading: () => undefined });

test('lock: the first candidate creates it; another waits a whole lease from when IT saw the record, then takes over with leaderTransitions+1', async () => {
  const api = endpointsStore();
  const a = elector(api, 'master-1');
  const b = elector(api, 'master-2');
  assert.equal(await a.tryAcquireOrRenew(), true);
  const first = readRecord(api.obj!)!;
  assert.deepEqual([first.holderIdentity, first.leaseDurationSeconds, first.leaderTransitions], ['master-1', 0, 0]);
  assert.equal(await b.tryAcquireOrRenew(), false, 'held and not expired');
  assert.equal(await a.tryAcquireOrRenew(), true, 'the holder renews');
  assert.equal(readRecord(api.obj!)!.acquireTime, first.acquireTime, 'a renewal keeps acquireTime');
  await sleep(150);
  assert.equal(await b.tryAcquireOrRenew(), false, 'the renewal was seen: the lease restarts on b\'s clock');
  await sleep(350);
  assert.equal(await b.tryAcquireOrRenew(), true, 'no change seen for a lease: b takes it');
  const next = readRecord(api.obj!)!;
  assert.equal(next.holderIdentity, 'master-2');
  assert.equal(next.leaderTransitions, 1);
  assert.equal(await a.tryAcquireOrRenew(), false, 'the old holder now sees b\'s fresh record');
});

test('lock: the lease counts from when the GET answered, not from when it was sent (a stalled server does not age the record)', async () => {
  const api = endpointsStore();
  assert.equal(await elector(api, 'master-1', 1_000).tryAcquireOrRenew(), true);
  let stallMs = 800;
  const stalled: Api = {
    async request(method, path, body) {
      if (method === 'GET' && stallMs) await sleep(stallMs);
      return api.request(method, path, body);
    },
  };
  const b = elector(stalled, 'master-2', 1_000);
  assert.equal(await b.tryAcquireOrRenew(), false, 'first sight, answered after 0.8 s');
  stallMs = 0;
  await sleep(300);
  assert.equal(await b.tryAcquireOrRenew(), false, 'seen 0.3 s ago (asked 1.1 s ago): not expired');
  await sleep(1_000);
  assert.equal(await b.tryAcquireOrRenew(), true, 'unchanged for a lease since it was seen');
});

test('lock: a restarted process with the same hostname takes its own unexpired lock back at once', async () => {
  const api = endpointsStore();
  assert.equal(await elector(api, 'master-1', 60_000).tryAcquireOrRenew(), true);
  assert.equal(await elector(api, 'master-2', 60_000).tryAcquireOrRenew(), false);
  const restarted = elector(api, 'master-1', 60_000);
  assert.equal(await restarted.tryAcquireOrRenew(), true, 'identity = hostname, no unique suffix in 1.5/1.6');
  assert.equal(readRecord(api.obj!)!.leaderTransitions, 0);
});

test('lock: a PUT with a stale resourceVersion loses the race; the annotation key is the 1.5/1.6 one', async () => {
  const api = endpointsStore();
  const a = elector(api, 'master-1', 10);
  assert.equal(await a.tryAcquireOrRenew(), true);
  assert.ok(api.obj!.metadata.annotations[LEADER_ANNOTATION]);
  const racer: Api = {
    async request(method, path, body) {
      if (method === 'PUT') await api.request('PUT', path, { ...(structuredClone(api.obj) as Obj) }); // someone else writes first
      return api.request(method, path, body);
    },
  };
  const b = elector(racer, 'master-2', 10);
  await b.tryAcquireOrRenew(); // first sight
  await sleep(20);
  assert.equal(await b.tryAcquireOrRenew(), false, '409 Conflict → not acquired');
  assert.equal(readRecord(api.obj!)!.holderIdentity, 'master-1');
});

test('zone states: all NotReady = full disruption; > 2 NotReady and ≥ threshold = partial; otherwise normal', () => {
  assert.equal(zoneState([false, false], 0.55), 'FullDisruption');
  assert.equal(zoneState([false], 0.55), 'FullDisruption');
  assert.equal(zoneState([true, false, false, false, false], 0.55), 'PartialDisruption');
  assert.equal(zoneState([true, false, false], 0.55), 'Normal', 'two NotReady never make a partial disruption');
  assert.equal(zoneState([true, true, false, false, false], 0.55), 'PartialDisruption');
  assert.equal(zoneState([true, true, true, false, false, false], 0.55), 'Normal', '50 % < 55 %');
});

test('eviction limiter: burst 1 at --node-eviction-rate; rate 0 (small cluster in partial disruption) never evicts', () => {
  const b = new TokenBucket(0.1);
  assert.equal(b.tryAccept(), true);
  assert.equal(b.tryAccept(), false, 'the next node waits 10 s at 0.1/s');
  assert.equal(new TokenBucket(0).tryAccept(), false);
});

const node = (extra: Obj = {}): Obj => ({ metadata: { name: 'n', labels: { disk: 'ssd' }, ...extra.metadata }, spec: { ...extra.spec }, status: { conditions: [{ type: 'Ready', status: 'True' }, ...(extra.conditions ?? [])], allocatable: { cpu: '2', memory: '4Gi', pods: '3' } } });
const pod = (extra: Obj = {}): Obj => ({ metadata: { name: 'p', ...extra.metadata }, spec: { containers: [{ name: 'c', ...extra.container }], ...extra.spec } });

test('taints: 1.5 reads the scheduler.alpha annotation, 1.6 the spec field; PreferNoSchedule does not block', () => {
  const annotated = node({ metadata: { annotations: { 'scheduler.alpha.kubernetes.io/taints': JSON.stringify([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]) } } });
  const specTainted = node({ spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
  assert.equal(fitError(pod(), annotated, [], 5), 'PodToleratesNodeTaints');
  assert.equal(fitError(pod(), annotated, [], 6), '', '1.6 ignores the alpha annotation');
  assert.equal(fitError(pod(), specTainted, [], 6), 'PodToleratesNodeTaints');
  assert.equal(fitError(pod(), specTainted, [], 5), '', '1.5 has no spec.taints');
  assert.equal(fitError(pod({ spec: { tolerations: [{ key: 'dedicated', operator: 'Exists' }] } }), specTainted, [], 6), '');
  assert.equal(fitError(pod({ metadata: { annotations: { 'scheduler.alpha.kubernetes.io/tolerations': JSON.stringify([{ key: 'dedicated', value: 'db' }]) } } }), annotated, [], 5), '');
  assert.equal(fitError(pod({ spec: { tolerations: [{ key: 'dedicated', value: 'other', effect: 'NoSchedule' }] } }), specTainted, [], 6), 'PodToleratesNodeTaints');
  assert.equal(fitError(pod(), node({ spec: { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] } }), [], 6), '');
});

test('fit: nodeSelector, pod count and cpu/memory requests against allocatable; lister filter on conditions and cordon', () => {
  assert.equal(fitError(pod({ spec: { nodeSelector: { disk: 'hdd' } } }), node(), [], 6), 'MatchNodeSelector');
  assert.equal(fitError(pod(), node(), [pod(), pod(), pod()], 6), 'Insufficient pods');
  const big = pod({ container: { resources: { requests: { cpu: '1500m' } } } });
  assert.equal(fitError(big, node(), [], 6), '');
  assert.equal(fitError(big, node(), [big], 6), 'Insufficient cpu');
  assert.equal(fitError(pod({ container: { resources: { requests: { memory: '5Gi' } } } }), node(), [], 6), 'Insufficient memory');
  assert.equal(quantity('512Mi'), 512 * 1024 * 1024);
  assert.equal(nodeSchedulable(node()), true);
  assert.equal(nodeSchedulable(node({ spec: { unschedulable: true } })), false);
  assert.equal(nodeSchedulable(node({ conditions: [{ type: 'OutOfDisk', status: 'True' }] })), false);
  assert.equal(nodeSchedulable({ ...node(), status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }), false);
});

test('which pods are the default scheduler\'s: 1.5 by annotation, 1.6 by spec.schedulerName', () => {
  assert.equal(isOurs(pod(), 'default-scheduler', 5), true);
  assert.equal(isOurs(pod({ metadata: { annotations: { 'scheduler.alpha.kubernetes.io/name': 'other' } } }), 'default-scheduler', 5), false);
  assert.equal(isOurs(pod({ metadata: { annotations: { 'scheduler.alpha.kubernetes.io/name': 'other' } } }), 'default-scheduler', 6), true);
  assert.equal(isOurs(pod({ spec: { schedulerName: 'other' } }), 'default-scheduler', 6), false);
});
