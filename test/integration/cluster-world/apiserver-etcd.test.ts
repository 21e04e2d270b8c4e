// The stand-in kube-apiserver over a real 3-member TLS etcd 3.4 cluster on 127.41.0.x: two
// 1.6 apiservers share state through etcd (real kubectl against either, watches see the other's
// writes), keys sit under the real /registry names with the protobuf k8s\0 prefix, a stale
// resourceVersion is a 409, no client certificate is a 401, a 1.5 apiserver refuses 1.6's
// protobuf values, and killing one apiserver (or an etcd member) leaves the other serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildRelease } from '../../kube-release/build.js';
import { EtcdClient } from '../../kube-release/components/apiserver/etcd-client.js';
import { startCompactor } from '../../kube-release/components/apiserver/compactor.js';
import { apiCall, ETCD_TOKEN, makeKubePki, run, startApiserver, startEtcd, writeKubeconfig, type Apiserver, type EtcdCluster, type RunResult } from './apiserver-harness.js';

const ETCD_IPS = ['127.41.0.1', '127.41.0.2', '127.41.0.3'];
const API_IPS = ['127.41.0.11', '127.41.0.12', '127.41.0.13'];
const BASE = 20_000 + 4 * Math.floor(Math.random() * 10_000);
const API_PORT = BASE;
const INSECURE_PORT = BASE + 1;

let dir: string;
let etcd: EtcdCluster;
const apis: Apiserver[] = [];
let kc: string[] = [];
let commonFlags: string[];
const binary: Record<string, string> = {}; // version -> the bundle's kube-apiserver

const kubectl = (kubeconfig: string, args: string[]): Promise<RunResult> => run('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=20s', ...args], { KUBECACHEDIR: join(dir, 'kcache') });

async function ok(kubeconfig: string, args: string[]): Promise<string> {
  const r = await kubectl(kubeconfig, args);
  assert.equal(r.rc, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function manifest(name: string, obj: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(obj));
  return path;
}

const configMap = (name: string, data: Record<string, string>): object => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-apiserver-etcd-'));
  for (const version of ['v1.6.13', 'v1.5.8']) binary[version] = join((await buildRelease({ version, outDir: join(dir, `release-${version}`) })).outDir, 'kube-apiserver');
  etcd = await startEtcd(dir, ETCD_IPS, BASE + 2, BASE + 3);
  const pki = join(dir, 'kube-pki');
  makeKubePki(pki, API_IPS);
  commonFlags = [
    `--etcd-servers=${etcd.endpoints.join(',')}`,
    `--etcd-cafile=${join(etcd.pki, 'ca.crt')}`,
    `--etcd-certfile=${join(etcd.pki, 'client.crt')}`,
    `--etcd-keyfile=${join(etcd.pki, 'client.key')}`,
    `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
    `--client-ca-file=${join(pki, 'ca.crt')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    `--insecure-port=${INSECURE_PORT}`,
    '--apiserver-count=2',
  ];
  for (const [i, ip] of API_IPS.slice(0, 2).entries()) apis.push(await startApiserver(dir, `apiserver${i + 1}`, binary['v1.6.13']!, ip, API_PORT, [...commonFlags, `--insecure-bind-address=${ip}`]));
  const admin = { cert: join(pki, 'admin.crt'), key: join(pki, 'admin.key') };
  kc = API_IPS.map((ip, i) => writeKubeconfig(join(dir, `kubeconfig${i + 1}`), `https://${ip}:${API_PORT}`, join(pki, 'ca.crt'), admin));
  writeKubeconfig(join(dir, 'kubeconfig-token'), `https://${API_IPS[0]}:${API_PORT}`, join(pki, 'ca.crt'), { token: 'not-a-known-token' });
  writeKubeconfig(join(dir, 'kubeconfig-rogue'), `https://${API_IPS[0]}:${API_PORT}`, join(pki, 'ca.crt'), { cert: join(pki, 'rogue-admin.crt'), key: join(pki, 'rogue-admin.key') });
});

after(async () => {
  for (const a of apis) await a.stop();
  await etcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('two apiservers share state through etcd: created through one, read through the other; kubernetes Service and Endpoints', async () => {
  await ok(kc[0]!, ['create', '--validate=false', '-f', manifest('shared', configMap('shared-1', { colour: 'blue' }))]);
  const seen = JSON.parse(await ok(kc[1]!, ['get', 'configmap', 'shared-1', '-o', 'json']));
  assert.deepEqual(seen.data, { colour: 'blue' });
  const kv = JSON.parse((await etcd.etcdctl(['get', '/registry/configmaps/default/shared-1', '-w', 'json'])).stdout).kvs[0];
  assert.equal(seen.metadata.resourceVersion, String(kv.mod_revision), 'resourceVersion is the etcd mod_revision');
  const svc = JSON.parse(await ok(kc[1]!, ['get', 'service', 'kubernetes', '-o', 'json']));
  assert.equal(svc.spec.clusterIP, '10.0.0.1', 'first IP of --service-cluster-ip-range');
  assert.deepEqual(svc.spec.ports.map((p: { port: number; targetPort: number }) => [p.port, p.targetPort]), [[443, API_PORT]]);
  const ips = await until('both apiservers in the kubernetes Endpoints', async () => {
    const ep = JSON.parse(await ok(kc[0]!, ['get', 'endpoints', 'kubernetes', '-o', 'json']));
    const got = (ep.subsets?.[0]?.addresses ?? []).map((a: { ip: string }) => a.ip).sort();
    return got.length === 2 ? got : undefined;
  });
  assert.deepEqual(ips, API_IPS.slice(0, 2));
  const table = await ok(kc[1]!, ['get', 'namespaces']);
  assert.match(table, /^NAME\s+STATUS\s+AGE\n/);
  for (const ns of ['default', 'kube-public', 'kube-system']) assert.match(table, new RegExp(`^${ns}\\s+Active`, 'm'));
});

test('objects live in etcd under the real /registry keys; a 1.6 apiserver writes the protobuf k8s\\0 prefix', async () => {
  await ok(kc[1]!, ['create', '--validate=false', '-f', manifest('node', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } })]);
  const keys = (await etcd.etcdctl(['get', '/registry', '--prefix', '--keys-only'])).stdout.split('\n').filter(Boolean);
  for (const k of ['/registry/minions/node-a', '/registry/namespaces/default', '/registry/namespaces/kube-system', '/registry/services/specs/default/kubernetes', '/registry/services/endpoints/default/kubernetes', '/registry/configmaps/default/shared-1']) assert.ok(keys.includes(k), `${k} in etcd (have ${keys.join(' ')})`);
  const kv = JSON.parse((await etcd.etcdctl(['get', '/registry/minions/node-a', '-w', 'json'])).stdout).kvs[0];
  const value = Buffer.from(kv.value, 'base64');
  assert.deepEqual([...value.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00], 'k8s\\0 magic');
  assert.equal(JSON.parse(value.subarray(4).toString()).metadata.name, 'node-a');
  // written straight to etcd, an object appears through the API: etcd is the only store
  const direct = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-etcd', namespace: 'default', uid: 'u-1', creationTimestamp: '2026-12-01T00:00:00Z' }, data: { via: 'etcdctl' } });
  assert.equal((await etcd.etcdctl(['put', '/registry/configmaps/default/from-etcd', direct])).rc, 0);
  assert.equal((await ok(kc[0]!, ['get', 'configmap', 'from-etcd', '-o', 'jsonpath={.data.via}'])).trim(), 'etcdctl');
});

test('a watch through one apiserver sees writes made through the other', async () => {
  await ok(kc[0]!, ['create', '--validate=false', '-f', manifest('marker', configMap('watch-marker', {}))]);
  const watcher = spawn('kubectl', ['--kubeconfig', kc[1]!, 'get', 'configmaps', '--watch', '--output-watch-events'], { env: { ...process.env, KUBECACHEDIR: join(dir, 'kcache') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  watcher.stdout.on('data', (d) => (out += d));
  watcher.stderr.on('data', (d) => (out += d));
  try {
    await until('the initial list', async () => (/watch-marker/.test(out) ? true : undefined));
    await ok(kc[0]!, ['create', '--validate=false', '-f', manifest('watched', configMap('watched-1', { v: 'one' }))]);
    await until('ADDED through the other apiserver', async () => (/ADDED\s+watched-1\s+1\s/.test(out) ? true : undefined), 20_000);
    await ok(kc[0]!, ['patch', 'configmap', 'watched-1', '--type=merge', '-p', '{"data":{"w":"two"}}']);
    await until('MODIFIED', async () => (/MODIFIED\s+watched-1\s+2\s/.test(out) ? true : undefined), 20_000);
    await ok(kc[0]!, ['delete', 'configmap', 'watched-1']);
    await until('DELETED', async () => (/DELETED\s+watched-1/.test(out) ? true : undefined), 20_000);
  } finally {
    watcher.kill();
  }
});

test('an update with a stale resourceVersion is refused with 409 Conflict', async () => {
  const cur = JSON.parse(await ok(kc[0]!, ['get', 'configmap', 'shared-1', '-o', 'json']));
  const stale = manifest('stale', { ...cur, data: { colour: 'green' } });
  await ok(kc[1]!, ['replace', '--validate=false', '-f', stale]);
  const again = await kubectl(kc[0]!, ['replace', '--validate=false', '-f', manifest('stale2', { ...cur, data: { colour: 'red' } })]);
  assert.notEqual(again.rc, 0);
  assert.match(again.stderr, /Operation cannot be fulfilled on configmaps "shared-1": the object has been modified/);
  assert.equal((await ok(kc[0]!, ['get', 'configmap', 'shared-1', '-o', 'jsonpath={.data.colour}'])).trim(), 'green');
});

test('the secure port refuses requests without a certificate from --client-ca-file (401); the insecure port serves without auth', async () => {
  const ca = join(dir, 'kube-pki', 'ca.crt');
  const noCert = await apiCall(`https://${API_IPS[0]}:${API_PORT}/api/v1/namespaces/default/configmaps`, { caFile: ca });
  assert.equal(noCert.status, 401);
  assert.equal(JSON.parse(noCert.body).reason, 'Unauthorized');
  assert.equal((await apiCall(`https://${API_IPS[0]}:${API_PORT}/healthz`, { caFile: ca })).status, 401, 'anonymous is off with AlwaysAllow, even for /healthz');
  // a certificate from another CA, and a bearer token (no token authenticator configured), are no better
  for (const name of ['kubeconfig-rogue', 'kubeconfig-token']) {
    const r = await kubectl(join(dir, name), ['get', 'configmaps']);
    assert.notEqual(r.rc, 0, name);
    assert.match(r.stderr, /Unauthorized/, name);
  }
  const insecure = `http://${API_IPS[0]}:${INSECURE_PORT}`;
  assert.equal(await (await fetch(`${insecure}/healthz`)).text(), 'ok');
  const cm = (await (await fetch(`${insecure}/api/v1/namespaces/default/configmaps/shared-1`)).json()) as { data: Record<string, string> };
  assert.equal(cm.data.colour, 'green');
});

test('a 1.5 apiserver refuses the protobuf values a 1.6 one wrote, and will not start on its default etcd2 backend', async () => {
  const r = await run(binary['v1.5.8']!, [`--bind-address=${API_IPS[2]}`, `--secure-port=${API_PORT}`, '--insecure-port=0', ...commonFlags.filter((f) => !f.startsWith('--insecure-port'))]);
  assert.equal(r.rc, 255, r.stderr);
  assert.match(r.stderr, /^F\d{4} .*storage backend "etcd2"/m);
  const proto = await run(binary['v1.5.8']!, [`--bind-address=${API_IPS[2]}`, `--secure-port=${API_PORT}`, '--insecure-port=0', '--storage-backend=etcd3', '--storage-media-type=application/vnd.kubernetes.protobuf', ...commonFlags.filter((f) => !f.startsWith('--insecure-port'))]);
  assert.equal(proto.rc, 255, proto.stderr);
  assert.match(proto.stderr, /^F\d{4} .*refuses to decode protobuf/m);
  const old = await startApiserver(dir, 'apiserver-1.5', binary['v1.5.8']!, API_IPS[2]!, API_PORT, ['--storage-backend=etcd3', '--insecure-port=0', ...commonFlags.filter((f) => !f.startsWith('--insecure-port'))]);
  apis.push(old);
  const get = await kubectl(kc[2]!, ['get', 'configmap', 'shared-1']);
  assert.notEqual(get.rc, 0);
  assert.match(get.stderr, /unable to decode \/registry\/configmaps\/default\/shared-1/);
  const list = await kubectl(kc[2]!, ['get', 'configmaps']);
  assert.notEqual(list.rc, 0, 'a list with one undecodable item fails');
  assert.match(old.log(), /^E\d{4} .*unable to decode \/registry\/configmaps\/default\/shared-1/m);
  assert.match(await ok(kc[2]!, ['version', '-o', 'json']), /"gitVersion": "v1\.5\.8"/);
  await old.stop();
});

test('pods: the apiserver neither schedules nor runs them; pods/binding assigns a node once; a bound pod is deleted (or evicted) gracefully', async () => {
  const admin = { caFile: join(dir, 'kube-pki', 'ca.crt'), cert: join(dir, 'kube-pki', 'admin.crt'), key: join(dir, 'kube-pki', 'admin.key') };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox' }] } };
  await ok(kc[0]!, ['create', '--validate=false', '-f', manifest('pod', pod)]);
  const created = JSON.parse(await ok(kc[1]!, ['get', 'pod', 'p1', '-o', 'json']));
  assert.equal(created.status.phase, 'Pending');
  assert.equal(created.spec.nodeName, undefined, 'no scheduling in the apiserver');
  // status changes only through pods/NAME/status, as with the real update strategies
  const podUrl = `https://${API_IPS[0]}:${API_PORT}/api/v1/namespaces/default/pods/p1`;
  const running = { status: { phase: 'Running' } };
  assert.equal((await apiCall(podUrl, { ...admin, method: 'PATCH', body: running, contentType: 'application/merge-patch+json' })).status, 200);
  assert.equal((await ok(kc[1]!, ['get', 'pod', 'p1', '-o', 'jsonpath={.status.phase}'])).trim(), 'Pending');
  assert.equal((await apiCall(`${podUrl}/status`, { ...admin, method: 'PATCH', body: running, contentType: 'application/merge-patch+json' })).status, 200);
  assert.equal((await ok(kc[1]!, ['get', 'pod', 'p1', '-o', 'jsonpath={.status.phase}'])).trim(), 'Running');
  const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-a' } };
  const bindUrl = (ip: string): string => `https://${ip}:${API_PORT}/api/v1/namespaces/default/pods/p1/binding`;
  assert.equal((await apiCall(bindUrl(API_IPS[1]!), { ...admin, method: 'POST', body: binding })).status, 201);
  assert.equal((await ok(kc[0]!, ['get', 'pod', 'p1', '-o', 'jsonpath={.spec.nodeName}'])).trim(), 'node-a');
  const again = await apiCall(bindUrl(API_IPS[0]!), { ...admin, method: 'POST', body: { ...binding, target: { kind: 'Node', name: 'node-b' } } });
  assert.equal(again.status, 409, again.body);
  assert.match(JSON.parse(again.body).message, /already assigned to node "node-a"/);
  await ok(kc[0]!, ['delete', 'pod', 'p1', '--wait=false']);
  const terminating = JSON.parse(await ok(kc[1]!, ['get', 'pod', 'p1', '-o', 'json']));
  assert.ok(terminating.metadata.deletionTimestamp, 'a bound pod waits for its kubelet');
  assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30);
  assert.match(await ok(kc[1]!, ['get', 'pod', 'p1']), /p1\s+0\/1\s+Terminating/);
  await ok(kc[1]!, ['delete', 'pod', 'p1', '--grace-period=0', '--force']);
  assert.match((await kubectl(kc[0]!, ['get', 'pod', 'p1'])).stderr, /pods "p1" not found/);
  // eviction is a delete with the Eviction's options; a later delete may only shorten the grace period
  await ok(kc[0]!, ['create', '--validate=false', '-f', manifest('pod3', { ...pod, metadata: { name: 'p3', namespace: 'default' }, spec: { ...pod.spec, nodeName: 'node-a' } })]);
  const p3 = `https://${API_IPS[1]}:${API_PORT}/api/v1/namespaces/default/pods/p3`;
  const evicted = await apiCall(`${p3}/eviction`, { ...admin, method: 'POST', body: { apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: 'p3' }, deleteOptions: { gracePeriodSeconds: 5 } } });
  assert.equal(evicted.status, 201, evicted.body);
  const grace = async (): Promise<number> => Number((await ok(kc[0]!, ['get', 'pod', 'p3', '-o', 'jsonpath={.metadata.deletionGracePeriodSeconds}'])).trim());
  assert.equal(await grace(), 5);
  await apiCall(`${p3}?gracePeriodSeconds=30`, { ...admin, method: 'DELETE' });
  assert.equal(await grace(), 5, 'not lengthened');
  await apiCall(`${p3}?gracePeriodSeconds=1`, { ...admin, method: 'DELETE' });
  assert.equal(await grace(), 1, 'shortened');
  assert.equal((await apiCall(`${p3}?gracePeriodSeconds=0`, { ...admin, method: 'DELETE' })).status, 200);
  assert.equal((await apiCall(p3, admin)).status, 404);
  const nowhere = await kubectl(kc[0]!, ['create', '--validate=false', '-f', manifest('pod-nowhere', { ...pod, metadata: { name: 'p2', namespace: 'nowhere' } })]);
  assert.match(nowhere.stderr, /namespaces "nowhere" not found/);
});

test('a watch from a resourceVersion etcd has compacted away ends with 410 Expired', async () => {
  const admin = { caFile: join(dir, 'kube-pki', 'ca.crt'), cert: join(dir, 'kube-pki', 'admin.crt'), key: join(dir, 'kube-pki', 'admin.key') };
  const list = JSON.parse((await apiCall(`${apis[1]!.url}/api/v1/namespaces/default/configmaps`, admin)).body);
  const oldRv = Number(list.metadata.resourceVersion);
  // two writes, then compact at the head: the first change after oldRv (oldRv+1) is gone
  await ok(kc[0]!, ['create', '--validate=false', '-f', manifest('compact', configMap('before-compaction', {}))]);
  await ok(kc[0]!, ['label', 'configmap', 'before-compaction', 'compacted=soon']);
  const rev = JSON.parse((await etcd.etcdctl(['endpoint', 'status', '-w', 'json'])).stdout)[0].Status.header.revision;
  assert.equal((await etcd.etcdctl(['compact', String(rev)])).rc, 0);
  const w = await apiCall(`${apis[1]!.url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${oldRv}`, admin);
  const first = JSON.parse(w.body.split('\n')[0]!);
  assert.equal(first.type, 'ERROR');
  assert.equal(first.object.code, 410);
  assert.equal(first.object.reason, 'Expired');
});

test('1.6 with RBAC and --anonymous-auth: anonymous may read /healthz and discovery, nothing else (403)', async () => {
  const a = await startApiserver(dir, 'apiserver-rbac', binary['v1.6.13']!, API_IPS[2]!, API_PORT, ['--authorization-mode=RBAC', '--anonymous-auth=true', '--insecure-port=0', ...commonFlags.filter((f) => !f.startsWith('--insecure-port'))]);
  apis.push(a);
  const caFile = join(dir, 'kube-pki', 'ca.crt');
  const health = await apiCall(`${a.url}/healthz`, { caFile });
  assert.deepEqual([health.status, health.body], [200, 'ok']);
  assert.equal((await apiCall(`${a.url}/api`, { caFile })).status, 200);
  const denied = await apiCall(`${a.url}/api/v1/namespaces/default/configmaps`, { caFile });
  assert.equal(denied.status, 403);
  assert.match(JSON.parse(denied.body).message, /system:anonymous/);
  await a.stop();
});

test('the apiservers\' compactor: rounds shared through compact_rev_key, each compacting to the revision seen one round before', async () => {
  const tls = { endpoints: etcd.endpoints, ca: readFileSync(join(etcd.pki, 'ca.crt')), cert: readFileSync(join(etcd.pki, 'client.crt')), key: readFileSync(join(etcd.pki, 'client.key')) };
  const clients = [new EtcdClient(tls), new EtcdClient(tls)];
  const compacted: number[] = [];
  const log = { info: (m: string) => compacted.push(Number(/\((\d+)\)/.exec(m)![1])), error: () => undefined };
  const head = async (): Promise<number> => Number(JSON.parse((await etcd.etcdctl(['endpoint', 'status', '-w', 'json'])).stdout)[0].Status.header.revision);
  const before = await head();
  const stops = clients.map((c) => startCompactor(c, 700, log)); // two apiservers, 700 ms rounds instead of 10 min
  try {
    await until('two compactions', async () => (compacted.length >= 2 ? true : undefined), 20_000);
  } finally {
    stops.forEach((stop) => stop());
    clients.forEach((c) => c.close());
  }
  assert.ok(compacted.every((rev) => rev >= before), `compacted only revisions seen after start (${compacted} vs ${before})`);
  assert.equal(new Set(compacted).size, compacted.length, 'each round compacts once, whichever apiserver wins it');
  const last = Math.max(...compacted);
  assert.ok(last - 1 >= before, 'a revision only this compactor can have removed');
  const old = await etcd.etcdctl(['get', '/registry/configmaps/default/shared-1', `--rev=${last - 1}`]);
  assert.match(old.stderr, /required revision has been compacted/);
  const key = JSON.parse((await etcd.etcdctl(['get', 'compact_rev_key', '-w', 'json'])).stdout).kvs[0];
  assert.ok(Number(key.version) >= 3, 'its version counts the rounds');
});

test('killing one apiserver, then an etcd member, leaves the other apiserver serving', async () => {
  await apis[0]!.stop('SIGKILL');
  assert.notEqual((await kubectl(kc[0]!, ['get', 'configmaps'])).rc, 0, 'the killed one is gone');
  assert.equal((await ok(kc[1]!, ['get', 'configmap', 'shared-1', '-o', 'jsonpath={.data.colour}'])).trim(), 'green');
  await etcd.members[0]!.stop('SIGKILL'); // the first of --etcd-servers
  await ok(kc[1]!, ['create', '--validate=false', '-f', manifest('after-kill', configMap('after-kill', { ok: 'yes' }))]);
  assert.equal((await ok(kc[1]!, ['get', 'configmap', 'after-kill', '-o', 'jsonpath={.data.ok}'])).trim(), 'yes');
  const inEtcd = await run('etcdctl', ['--endpoints', etcd.endpoints.slice(1).join(','), '--cacert', join(etcd.pki, 'ca.crt'), '--cert', join(etcd.pki, 'client.crt'), '--key', join(etcd.pki, 'client.key'), 'get', '/registry/configmaps/default/after-kill', '--keys-only'], { ETCDCTL_API: '3' });
  assert.match(inEtcd.stdout, /after-kill/);
});

test('an etcd snapshot restore brings the cluster state back to the apiservers', async () => {
  const snap = join(dir, 'registry.db');
  const etcdctlTls = ['--cacert', join(etcd.pki, 'ca.crt'), '--cert', join(etcd.pki, 'client.crt'), '--key', join(etcd.pki, 'client.key')];
  const saved = await run('etcdctl', ['--endpoints', etcd.endpoints[1]!, ...etcdctlTls, 'snapshot', 'save', snap], { ETCDCTL_API: '3' });
  assert.equal(saved.rc, 0, saved.stderr);
  await ok(kc[1]!, ['delete', 'configmap', 'shared-1']);
  assert.match((await kubectl(kc[1]!, ['get', 'configmap', 'shared-1'])).stderr, /not found/);
  // Kubernetes' documented order: stop the apiservers, restore every member, start etcd, then the apiservers
  for (const a of apis) await a.stop();
  await etcd.stop();
  const initial = ETCD_IPS.map((ip, i) => `etcd${i + 1}=https://${ip}:${BASE + 3}`).join(',');
  for (const [i, ip] of ETCD_IPS.entries()) {
    const r = await run('etcdctl', ['snapshot', 'restore', snap, '--name', `etcd${i + 1}`, '--data-dir', join(dir, `etcd${i + 1}.restored`), '--initial-cluster', initial, '--initial-cluster-token', ETCD_TOKEN, '--initial-advertise-peer-urls', `https://${ip}:${BASE + 3}`], { ETCDCTL_API: '3' });
    assert.equal(r.rc, 0, r.stderr);
  }
  etcd = await startEtcd(dir, ETCD_IPS, BASE + 2, BASE + 3, { dataSuffix: '.restored', restart: true });
  apis.push(await startApiserver(dir, 'apiserver-after-restore', binary['v1.6.13']!, API_IPS[0]!, API_PORT, [...commonFlags, `--insecure-bind-address=${API_IPS[0]}`]));
  assert.equal((await ok(kc[0]!, ['get', 'configmap', 'shared-1', '-o', 'jsonpath={.data.colour}'])).trim(), 'green');
  assert.match(await ok(kc[0]!, ['get', 'configmaps', '-o', 'name']), /configmap\/after-kill/);
});
