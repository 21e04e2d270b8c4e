// HA control plane from a built v1.6.13 release bundle over a real etcd (127.44.0.x): two
// stand-in apiservers sharing that etcd, three kube-controller-manager binaries (each in its own
// UTS namespace with a master's hostname, on the real port 10252 of its own address), the first
// and third talking to apiserver 1, the second to apiserver 2, so the lock's compare-and-swap
// goes through etcd across apiservers. Kill -9 of the leader → a standby leads within one lease;
// killing the apiserver a leader uses → that leader exits 255 and one on the other apiserver leads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildRelease } from '../../kube-release/build.js';
import { apiCall, makeKubePki, run, startApiserver, startEtcd, writeKubeconfig, type Apiserver, type EtcdCluster } from './apiserver-harness.js';

type Obj = Record<string, any>;

const ETCD_IP = '127.44.0.1';
const API_IPS = ['127.44.0.11', '127.44.0.12'];
const CM_IPS = ['127.44.0.21', '127.44.0.22', '127.44.0.23'];
const BASE = 20_000 + 4 * Math.floor(Math.random() * 10_000);
const API_PORT = BASE;
const LEADER = 'control-plane.alpha.kubernetes.io/leader';

let dir: string;
let etcd: EtcdCluster;
let bundle: string;
const apis: Apiserver[] = [];
let kc: string[] = [];
let pki: string;
let aliveApi = 0; // the apiserver left after the last test killed one
const cms: { name: string; api: number; child: ChildProcess; log: string; exited: Promise<number | null> }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-e-le-etcd-'));
  bundle = (await buildRelease({ version: 'v1.6.13', outDir: join(dir, 'release') })).outDir;
  etcd = await startEtcd(dir, [ETCD_IP], BASE + 2, BASE + 3);
  pki = join(dir, 'kube-pki');
  makeKubePki(pki, API_IPS);
  const flags = [
    `--etcd-servers=${etcd.endpoints.join(',')}`, `--etcd-cafile=${join(etcd.pki, 'ca.crt')}`, `--etcd-certfile=${join(etcd.pki, 'client.crt')}`, `--etcd-keyfile=${join(etcd.pki, 'client.key')}`,
    `--tls-cert-file=${join(pki, 'apiserver.crt')}`, `--tls-private-key-file=${join(pki, 'apiserver.key')}`, `--client-ca-file=${join(pki, 'ca.crt')}`,
    '--service-cluster-ip-range=10.0.0.0/24', `--insecure-port=${BASE + 1}`, '--apiserver-count=2',
  ];
  for (const [i, ip] of API_IPS.entries()) apis.push(await startApiserver(dir, `apiserver${i + 1}`, join(bundle, 'kube-apiserver'), ip, API_PORT, [...flags, `--insecure-bind-address=${ip}`]));
  const admin = { cert: join(pki, 'admin.crt'), key: join(pki, 'admin.key') };
  kc = API_IPS.map((ip, i) => writeKubeconfig(join(dir, `kubeconfig${i + 1}`), `https://${ip}:${API_PORT}`, join(pki, 'ca.crt'), admin));
});

after(async () => {
  for (const c of cms) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(cms.map((c) => c.exited));
  for (const a of apis) await a.stop();
  await etcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The bundle's kube-controller-manager as master-N: its own hostname, --address its own IP, port 10252. */
function startCm(i: number, api: number, binary = 'kube-controller-manager'): (typeof cms)[number] {
  const name = `master-${i + 1}`;
  const kubeconfig = kc[api]!;
  const log = join(dir, `${binary}-${name}-${cms.length}.log`);
  const fd = openSync(log, 'a');
  const child = spawn('unshare', ['--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', name, join(bundle, binary), `--kubeconfig=${kubeconfig}`, `--address=${CM_IPS[i]}`, '--leader-elect=true'], { stdio: ['ignore', fd, fd] });
  const c = { name, api, child, log, exited: new Promise<number | null>((r) => child.on('exit', (code) => r(code))) };
  if (binary === 'kube-controller-manager') cms.push(c);
  return c;
}

async function record(kubeconfig: string, lock = 'kube-controller-manager'): Promise<Obj | undefined> {
  const r = await run('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=5s', '-n', 'kube-system', 'get', 'endpoints', lock, '-o', 'json'], { KUBECACHEDIR: join(dir, 'kcache') });
  if (r.rc !== 0) return undefined;
  const text = (JSON.parse(r.stdout) as Obj).metadata?.annotations?.[LEADER];
  return text ? (JSON.parse(text) as Obj) : undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(250);
  }
}

const running = (): typeof cms => cms.filter((c) => c.child.exitCode === null && c.child.signalCode === null);
const cm = (name: string): (typeof cms)[number] => running().find((c) => c.name === name)!;

test('three bundled controller-managers on two apiservers over etcd: one leader, seen alike through both apiservers', async () => {
  startCm(0, 0);
  startCm(1, 1);
  startCm(2, 0);
  const rec = await until('a leader', () => record(kc[1]!), 30_000);
  assert.match(rec.holderIdentity, /^master-[123]$/);
  assert.equal(rec.leaseDurationSeconds, 15);
  await sleep(4_000);
  const a = await record(kc[0]!);
  const b = await record(kc[1]!);
  assert.equal(a?.holderIdentity, rec.holderIdentity);
  assert.equal(b?.holderIdentity, rec.holderIdentity);
  assert.equal(b?.leaderTransitions, 0);
  for (const [i, c] of cms.entries()) {
    const h = await fetch(`http://${CM_IPS[i]}:10252/healthz`);
    assert.equal(await h.text(), 'ok', `${c.name} serves healthz on its real port`);
    assert.equal(/Starting node controller/.test(readFileSync(c.log, 'utf8')), c.name === rec.holderIdentity, `only the leader runs the node controller (${c.name})`);
  }
});

test('kill -9 of the leader: a standby leads within one lease (+ jittered retry), through etcd', async () => {
  const rec = (await record(kc[0]!))!;
  const leader = cm(rec.holderIdentity);
  leader.child.kill('SIGKILL');
  const killedAt = Date.now();
  await leader.exited;
  const next = await until('a new leader', async () => {
    const r = await record(kc[1]!);
    return r && r.holderIdentity !== leader.name ? r : undefined;
  }, 45_000);
  const took = (Date.now() - killedAt) / 1000;
  process.stdout.write(`# etcd-backed fail-over after kill -9: ${took.toFixed(1)} s (lease 15 s, retry 2 s)\n`);
  assert.ok(took >= 12 && took <= 15 + 4.4 + 4.4 + 3, `takeover after ${took} s`);
  assert.equal(next.leaderTransitions, 1);
});

test('the apiserver under the leader dies: the leader exits 255 after the renew deadline, a controller-manager on the other apiserver leads', async () => {
  const rec = (await record(kc[1]!))!;
  const leader = cm(rec.holderIdentity);
  const leaderApi = leader.api;
  // a standby must be on the other apiserver: master-2 (apiserver 2) again if it was the one killed
  if (!running().some((c) => c.api !== leaderApi)) {
    startCm(1, 1);
    await until('master-2 waiting for the lock', async () => (/attempting to acquire leader lease/.test(readFileSync(cms.at(-1)!.log, 'utf8')) ? true : undefined), 20_000);
    await sleep(3_000); // it has read the record at least once
  }
  const other = running().find((c) => c.api !== leaderApi)!;
  await apis[leaderApi]!.stop('SIGKILL');
  aliveApi = 1 - leaderApi;
  const stoppedAt = Date.now();
  const code = await Promise.race([leader.exited, sleep(30_000).then(() => 'still running')]);
  const took = (Date.now() - stoppedAt) / 1000;
  process.stdout.write(`# leader exit after its apiserver died: ${took.toFixed(1)} s (renew deadline 10 s)\n`);
  assert.equal(code, 255, readFileSync(leader.log, 'utf8'));
  assert.match(readFileSync(leader.log, 'utf8'), /^F\d{4} .*\] leaderelection lost$/m);
  assert.ok(took >= 7 && took <= 13, `exit after ${took} s`);
  const survivorKc = kc[1 - leaderApi]!;
  const next = await until('the survivor to lead', async () => {
    const r = await record(survivorKc);
    return r && r.holderIdentity === other.name ? r : undefined;
  }, 30_000);
  assert.equal(next.leaderTransitions, 2);
});

test('two bundled schedulers: one leads kube-system/kube-scheduler and binds pending pods to the Ready node; kill -9 → the other leads and binds', async () => {
  const url = `https://${API_IPS[aliveApi]}:${API_PORT}`;
  const auth = { caFile: join(pki, 'ca.crt'), cert: join(pki, 'admin.crt'), key: join(pki, 'admin.key') };
  const post = async (path: string, body: Obj): Promise<void> => {
    const r = await apiCall(`${url}${path}`, { method: 'POST', body, ...auth });
    assert.equal(r.status, 201, r.body);
  };
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const ready = { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now };
  for (const [name, spec] of [['w-ready', {}], ['w-cordoned', { unschedulable: true }]] as const) {
    await post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec });
    const got = JSON.parse((await apiCall(`${url}/api/v1/nodes/${name}`, auth)).body) as Obj;
    const put = await apiCall(`${url}/api/v1/nodes/${name}/status`, { method: 'PUT', body: { ...got, status: { conditions: [ready], allocatable: { cpu: '2', memory: '4Gi', pods: '110' } } }, ...auth });
    assert.equal(put.status, 200, put.body);
  }
  const scheds = [startCm(0, aliveApi, 'kube-scheduler'), startCm(1, aliveApi, 'kube-scheduler')];
  try {
    const rec = await until('a scheduler leader', () => record(kc[aliveApi]!, 'kube-scheduler'), 30_000);
    for (const p of ['x1', 'x2']) await post('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: p }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const nodeOf = async (p: string): Promise<string | undefined> => (JSON.parse((await apiCall(`${url}/api/v1/namespaces/default/pods/${p}`, auth)).body) as Obj).spec?.nodeName;
    await until('x1 and x2 bound', async () => ((await nodeOf('x1')) && (await nodeOf('x2')) ? true : undefined), 20_000);
    assert.equal(await nodeOf('x1'), 'w-ready');
    assert.equal(await nodeOf('x2'), 'w-ready');
    const leader = scheds.find((s) => s.name === rec.holderIdentity)!;
    const standby = scheds.find((s) => s !== leader)!;
    assert.match(readFileSync(leader.log, 'utf8'), /Successfully assigned x1 to w-ready/);
    assert.doesNotMatch(readFileSync(standby.log, 'utf8'), /Successfully assigned/, 'the standby schedules nothing');
    leader.child.kill('SIGKILL');
    await leader.exited;
    await post('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x3' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await until('x3 bound by the new leader', async () => ((await nodeOf('x3')) ? true : undefined), 40_000);
    assert.equal(await nodeOf('x3'), 'w-ready');
    assert.match(readFileSync(standby.log, 'utf8'), /Successfully assigned x3 to w-ready/);
    assert.equal((await record(kc[aliveApi]!, 'kube-scheduler'))?.holderIdentity, standby.name);
  } finally {
    for (const s of scheds) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(scheds.map((s) => s.exited));
  }
});
