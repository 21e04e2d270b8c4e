// k8s_drain's parts without a cluster: kubectl's pod filters, delete_options validation, and
// eviction retries/waits against a fake API client that answers like the API server does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { planDrain } from '../../../src/modules/kubernetes/drain-filter.js';
import { parseDrainOptions } from '../../../src/modules/kubernetes/drain-options.js';
import { EvictionError, evictPod, waitPodsGone } from '../../../src/modules/kubernetes/evict-pods.js';
import type { Kube } from '../../../src/modules/kubernetes/kube-target.js';

function pod(name: string, opts: { owner?: string; phase?: string; emptyDir?: boolean; mirror?: boolean; deleting?: boolean; uid?: string } = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'ns',
      uid: opts.uid ?? `uid-${name}`,
      ownerReferences: opts.owner ? [{ apiVersion: 'apps/v1', kind: opts.owner, name: `${name}-owner`, uid: 'o', controller: true }] : undefined,
      annotations: opts.mirror ? { 'kubernetes.io/config.mirror': 'x' } : undefined,
      deletionTimestamp: opts.deleting ? new Date() : undefined,
    },
    spec: { containers: [{ name: 'c' }], volumes: opts.emptyDir ? [{ name: 'scratch', emptyDir: {} }] : undefined },
    status: { phase: opts.phase ?? 'Running' },
  };
}

const strict = { ignoreDaemonsets: false, deleteEmptydirData: false, force: false };
const names = (pods: V1Pod[]): string[] => pods.map((p) => p.metadata!.name!);

test("planDrain: kubectl's filters", () => {
  const pods = [pod('rs', { owner: 'ReplicaSet' }), pod('ds', { owner: 'DaemonSet' }), pod('naked'), pod('scratch', { owner: 'ReplicaSet', emptyDir: true }), pod('static', { mirror: true }), pod('done', { phase: 'Succeeded', emptyDir: true }), pod('ds-going', { owner: 'DaemonSet', deleting: true })];
  const refused = planDrain(pods, strict);
  assert.deepEqual(refused.blocking.map((b) => b.pod), ['ns/ds', 'ns/naked', 'ns/scratch']);
  assert.match(refused.blocking[0]!.reason, /DaemonSet-managed.*ignore_daemonsets/);
  assert.match(refused.blocking[1]!.reason, /no controller.*force/);
  assert.match(refused.blocking[2]!.reason, /local storage.*delete_emptydir_data/);
  assert.deepEqual(refused.skipped.map((s) => s.pod), ['ns/static']);

  const allowed = planDrain(pods, { ignoreDaemonsets: true, deleteEmptydirData: true, force: true });
  assert.deepEqual(allowed.blocking, []);
  assert.deepEqual(names(allowed.evict), ['rs', 'naked', 'scratch', 'done', 'ds-going']);
  assert.deepEqual(allowed.skipped.map((s) => s.pod), ['ns/ds', 'ns/static']);
  assert.equal(allowed.warnings.length, 2, 'force and emptyDir deletions are warned about');
});

test('parseDrainOptions: defaults, booleans the Ansible way, unknown keys and bad numbers refused', () => {
  assert.deepEqual(parseDrainOptions(undefined), { ignoreDaemonsets: false, deleteEmptydirData: false, force: false, disableEviction: false, waitTimeout: 300, waitSleep: 5 });
  const o = parseDrainOptions({ ignore_daemonsets: 'yes', force: true, terminate_grace_period: '30', wait_timeout: 0, wait_sleep: 0 });
  assert.equal(o.ignoreDaemonsets, true);
  assert.equal(o.terminateGracePeriod, 30);
  assert.equal(o.waitTimeout, 0);
  assert.equal(o.waitSleep, 1, 'no busy polling');
  assert.throws(() => parseDrainOptions({ ignore_daemonset: true }), /unsupported key in delete_options: ignore_daemonset/);
  assert.throws(() => parseDrainOptions({ wait_timeout: '1.5' }), /delete_options.wait_timeout: '1.5' is not a whole number/);
});

/** An API error as client-node raises it. */
function apiError(code: number, message: string): Error & { code: number; body: string } {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code, body: JSON.stringify({ message }) });
}

function fakeKube(core: Record<string, (...a: any[]) => Promise<unknown>>): Kube {
  return {
    client: { core } as unknown as Kube['client'],
    mergePatch: {},
    status: (e) => (e as { code?: number }).code,
    message: (e) => `HTTP ${(e as { code?: number }).code}: ${JSON.parse((e as { body: string }).body).message}`,
  };
}

test('evictPod: retries 429 until accepted, treats 404 as done, fails on other errors and at the deadline', async () => {
  let calls = 0;
  const bodies: unknown[] = [];
  const kube = fakeKube({
    createNamespacedPodEviction: async (req: { body: unknown }) => {
      bodies.push(req.body);
      if (++calls <= 2) throw apiError(429, "Cannot evict pod as it would violate the pod's disruption budget.");
      return {};
    },
  });
  const opts = { disableEviction: false, gracePeriodSeconds: 7, deadline: Date.now() + 5000, sleepMs: 10 };
  assert.equal(await evictPod(kube, pod('a'), opts), 2);
  assert.deepEqual(bodies[0], { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'a', namespace: 'ns' }, deleteOptions: { gracePeriodSeconds: 7 } });

  assert.equal(await evictPod(fakeKube({ createNamespacedPodEviction: async () => Promise.reject(apiError(404, 'gone')) }), pod('b'), opts), 0);
  await assert.rejects(evictPod(fakeKube({ createNamespacedPodEviction: async () => Promise.reject(apiError(403, 'forbidden')) }), pod('c'), opts), /evicting ns\/c failed: HTTP 403: forbidden/);
  const always429 = fakeKube({ createNamespacedPodEviction: async () => Promise.reject(apiError(429, 'budget')) });
  await assert.rejects(evictPod(always429, pod('d'), { ...opts, deadline: Date.now() + 50 }), (e: unknown) => e instanceof EvictionError && /refused \d+ times until the timeout/.test(e.message) && e.pods[0] === 'ns/d');

  let deleted: unknown;
  await evictPod(fakeKube({ deleteNamespacedPod: async (req: unknown) => (deleted = req) }), pod('e'), { ...opts, disableEviction: true });
  assert.deepEqual(deleted, { name: 'e', namespace: 'ns', gracePeriodSeconds: 7 });
});

test('waitPodsGone: done on 404 or a new UID under the same name; times out naming the pods left', async () => {
  const reads = new Map<string, number>();
  const kube = fakeKube({
    readNamespacedPod: async ({ name }: { name: string }) => {
      const n = (reads.get(name) ?? 0) + 1;
      reads.set(name, n);
      if (name === 'gone' && n > 1) throw apiError(404, 'not found');
      if (name === 'replaced' && n > 2) return pod('replaced', { uid: 'new-uid' });
      return pod(name);
    },
  });
  await waitPodsGone(kube, [pod('gone'), pod('replaced')], { disableEviction: false, deadline: Date.now() + 5000, sleepMs: 5 });
  assert.equal(reads.get('replaced'), 3);
  await assert.rejects(waitPodsGone(kube, [pod('stays')], { disableEviction: false, deadline: Date.now() + 30, sleepMs: 5 }), /timed out waiting for pods to be deleted: ns\/stays/);
});
