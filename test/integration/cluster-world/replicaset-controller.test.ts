// The ReplicaSet controller of the kube-controller-manager stand-in, against the API simulator
// (--external-controllers: only these components create, bind or delete pods), driven by the
// real kubectl: an extensions/v1beta1 ReplicaSet is kept at spec.replicas (pods from the
// template, generated names, a controller ownerReference), a deleted pod is replaced, a real
// `kubectl drain` (no --force: the pods declare their controller) gets them recreated and
// bound to the other node, scaling down deletes the extras, and of two controller-managers only
// the leader creates pods. The 1.5/1.6 defaulting and validation of the type are checked too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { ROOT } from '../../helpers/cli.js';
import { podFromTemplate } from '../../kube-release/components/replicaset-controller.js';

type Obj = Record<string, any>;

const HOST = '127.72.0.1';
let sim: K8sSim;
let dir: string;
const procs: { child: ChildProcess; exited: Promise<unknown>; log: string }[] = [];
let nextPort = 20000 + Math.floor(Math.random() * 20000);

before(async () => {
  sim = await startK8sSim({ name: 'u2-rs', host: HOST, externalControllers: true });
  dir = mkdtempSync(join(tmpdir(), 'u2-rs-'));
});

after(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  await sim?.stop();
  for (const d of [dir, sim?.root]) if (d) rmSync(d, { recursive: true, force: true });
});

/** A component from source at a version, hostname `name` (its leader identity), in its own UTS namespace. */
function start(component: 'kube-controller-manager' | 'kube-scheduler', version: string, name: string, args: string[] = []): { child: ChildProcess; log: string } {
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'a');
  const argv = ['--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', name, process.execPath, '--import', 'tsx', join(ROOT, 'test/kube-release/bin', `${component}.ts`), `--kubeconfig=${sim.kubeconfig}`, `--address=${HOST}`, `--port=${nextPort++}`, ...args];
  const child = spawn('unshare', argv, { stdio: ['ignore', fd, fd], cwd: ROOT, env: { ...process.env, KUBE_RELEASE_VERSION: version } });
  const p = { child, log, exited: new Promise((r) => child.on('exit', r)) };
  procs.push(p);
  return p;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(250);
  }
}

const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

async function createNode(name: string, unschedulable = false): Promise<void> {
  const ready = { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: stamp(), lastTransitionTime: stamp() };
  const r = await sim.api('POST', '/api/v1/nodes', { metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: unschedulable ? { unschedulable: true } : {}, status: { conditions: [ready], capacity: { cpu: '2', memory: '4Gi', pods: '110' } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

/** The live (not being deleted) pods of the app, name → node. */
async function webPods(): Promise<Record<string, string>> {
  const r = await sim.api('GET', '/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb');
  return Object.fromEntries((r.body.items as Obj[]).filter((p) => !p.metadata.deletionTimestamp).map((p) => [p.metadata.name, p.spec.nodeName ?? '']));
}

function rsFile(name: string, replicas: number, labels: Record<string, string>, selector?: Obj): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'extensions/v1beta1', kind: 'ReplicaSet', metadata: { name, namespace: 'shop' }, spec: { replicas, ...(selector ? { selector } : {}), template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '100000'] }] } } } }));
  return file;
}

test('a 1.6 ReplicaSet is kept at spec.replicas: created, replaced, rescheduled by kubectl drain, scaled down; only the leader acts', async () => {
  await sim.api('POST', '/api/v1/namespaces', { metadata: { name: 'shop' } });
  await createNode('rs-node1');
  await createNode('rs-node2', true); // cordoned: nothing may land here until it is uncordoned
  const created = await sim.kubectl(['create', '--validate=false', '-f', rsFile('web', 3, { app: 'web' })]);
  assert.equal(created.rc, 0, created.stderr);
  const rs = (await sim.api('GET', '/apis/extensions/v1beta1/namespaces/shop/replicasets/web')).body;
  assert.deepEqual([rs.spec.selector, rs.metadata.labels, rs.spec.replicas], [{ matchLabels: { app: 'web' } }, { app: 'web' }, 3], 'extensions/v1beta1 defaults: selector and labels from the template');
  assert.deepEqual(await webPods(), {}, 'no controller runs yet: no pods');

  const flags = ['--node-monitor-grace-period=10m', '--pod-eviction-timeout=10m'];
  start('kube-controller-manager', 'v1.6.13', 'rs-cm-a', flags);
  start('kube-controller-manager', 'v1.6.13', 'rs-cm-b', flags);
  start('kube-scheduler', 'v1.6.13', 'rs-sched');
  const first = await until('3 pods bound', async () => {
    const on = await webPods();
    return Object.keys(on).length === 3 && Object.values(on).every(Boolean) ? on : undefined;
  }, 30_000);
  assert.deepEqual(Object.values(first), ['rs-node1', 'rs-node1', 'rs-node1'], 'bound to the schedulable node only');
  const pods: Obj[] = (await sim.api('GET', '/api/v1/namespaces/shop/pods')).body.items;
  for (const p of pods) {
    assert.match(p.metadata.name, /^web-[a-z0-9]{5}$/);
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'extensions/v1beta1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(JSON.parse(p.metadata.annotations['kubernetes.io/created-by']).reference.uid, rs.metadata.uid);
  }
  const leaders = procs.slice(0, 2).map((p) => /Starting ReplicaSet controller/.test(readFileSync(p.log, 'utf8')));
  assert.equal(leaders.filter(Boolean).length, 1, 'only the leading controller-manager runs the ReplicaSet controller');
  await sleep(3000);
  assert.equal(Object.keys(await webPods()).length, 3, 'no more than spec.replicas, with two controller-managers up');
  const table = await sim.kubectl(['get', 'replicasets.extensions', '-n', 'shop', '--no-headers']);
  assert.match(table.stdout, /^web +3 +3 +0 /m, table.stdout);

  // a deleted pod is replaced
  const victim = Object.keys(first)[0]!;
  const del = await sim.kubectl(['delete', 'pod', '-n', 'shop', victim]);
  assert.equal(del.rc, 0, del.stderr);
  const replaced = await until('a replacement', async () => {
    const on = await webPods();
    return Object.keys(on).length === 3 && !(victim in on) && Object.values(on).every(Boolean) ? on : undefined;
  }, 20_000);

  // the real kubectl drain (no --force) evicts them; the replacements go to the other node
  await sim.kubectl(['uncordon', 'rs-node2']);
  const drain = await sim.kubectl(['drain', 'rs-node1', '--ignore-daemonsets', '--timeout=60s'], { timeoutMs: 90_000 });
  assert.equal(drain.rc, 0, drain.stderr + drain.stdout);
  const moved = await until('3 pods on rs-node2', async () => {
    const on = await webPods();
    return Object.keys(on).length === 3 && Object.values(on).every((n) => n === 'rs-node2') ? on : undefined;
  }, 30_000);
  assert.ok(Object.keys(moved).every((n) => !(n in replaced)), 'every drained pod was recreated, none kept');

  // scaled down: the extras go
  const patch = await sim.kubectl(['patch', 'replicasets.extensions', 'web', '-n', 'shop', '--type=merge', '-p', '{"spec":{"replicas":1}}']);
  assert.equal(patch.rc, 0, patch.stderr);
  await until('1 pod left', async () => Object.keys(await webPods()).length === 1, 20_000);
  await sleep(2000);
  assert.equal(Object.keys(await webPods()).length, 1);
  const status = (await sim.api('GET', '/apis/extensions/v1beta1/namespaces/shop/replicasets/web')).body.status;
  assert.equal(status.replicas, 1);
});

test('1.5/1.6 validation: a selector that does not match the template labels is 422; a 1.5 pod carries no blockOwnerDeletion', async () => {
  const bad = await sim.kubectl(['create', '--validate=false', '-f', rsFile('bad', 1, { app: 'db' }, { matchLabels: { app: 'web' } })]);
  assert.notEqual(bad.rc, 0);
  assert.match(bad.stderr, /spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
  const pod = podFromTemplate({ metadata: { name: 'old', namespace: 'x', uid: 'u1' }, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] } } } }, 5);
  assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'extensions/v1beta1', kind: 'ReplicaSet', name: 'old', uid: 'u1', controller: true }]);
  assert.equal(pod.metadata.generateName, 'old-');
});
