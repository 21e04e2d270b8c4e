// The stand-in kubelet against the stand-in kube-apiserver over a real etcd (not the
// simulator): a 1.5 kubelet with a client certificate registers its Node and runs a pod, and a
// graceful pod deletion (the apiserver only sets deletionTimestamp) is finished by the kubelet:
// it stops the containers, then deletes the pod with grace 0. With the release's
// controller-manager watching, a stopped kubelet's node turns NotReady after the grace period
// and Ready again once the kubelet is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { buildRelease } from '../../kube-release/build.js';
import { apiCall, makeKubePki, startApiserver, startEtcd, writeKubeconfig, type Apiserver, type EtcdCluster } from './apiserver-harness.js';
import { KubeletNode } from './kubelet-node.js';

type Obj = Record<string, any>;

const ETCD_IP = '127.49.0.1';
const API_IP = '127.49.0.2';
const BASE = 20_000 + 4 * Math.floor(Math.random() * 10_000);

let dir: string;
let etcd: EtcdCluster;
let apiserver: Apiserver;
let fleet: Fleet;
let node: KubeletNode;
let pki: string;
let rel: string;
let cm: ChildProcess | undefined;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Obj }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await apiCall(`https://${API_IP}:${BASE}${path}`, { method, body, caFile: join(pki, 'ca.crt'), cert: join(pki, 'admin.crt'), key: join(pki, 'admin.key') });
      return { status: r.status, body: r.body ? (JSON.parse(r.body) as Obj) : {} };
    } catch (e) {
      // a kept-alive connection the server closed as it was reused: the request never arrived, send it again
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET' || attempt >= 3) throw e;
    }
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${node?.log('/var/log/kubelet.log').slice(-2000)}`);
    await sleep(250);
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-kubelet-api-'));
  rel = (await buildRelease({ version: 'v1.5.8', outDir: join(dir, 'release') })).outDir;
  etcd = await startEtcd(dir, [ETCD_IP], BASE + 2, BASE + 3);
  pki = join(dir, 'kube-pki');
  makeKubePki(pki, [API_IP]);
  apiserver = await startApiserver(dir, 'apiserver', join(rel, 'kube-apiserver'), API_IP, BASE, [
    `--etcd-servers=${etcd.endpoints.join(',')}`,
    `--etcd-cafile=${join(etcd.pki, 'ca.crt')}`,
    `--etcd-certfile=${join(etcd.pki, 'client.crt')}`,
    `--etcd-keyfile=${join(etcd.pki, 'client.key')}`,
    `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
    `--client-ca-file=${join(pki, 'ca.crt')}`,
    `--insecure-bind-address=${API_IP}`,
    `--insecure-port=${BASE + 1}`,
    '--storage-backend=etcd3',
  ]);
  fleet = await startFleet({ hosts: 1, name: 'kubelet-api', subnet: 49 });
  node = new KubeletNode(fleet, fleet.hosts[0]!);
  node.put(join(rel, 'dockerd'), '/usr/bin/dockerd');
  node.put(join(rel, 'kubelet'), '/usr/bin/kubelet');
  for (const f of ['ca.crt', 'admin.crt', 'admin.key']) node.put(join(pki, f), `/etc/kubernetes/pki/${f}`, 0o600);
  const kc = writeKubeconfig(join(dir, 'kubelet.conf'), `https://${API_IP}:${BASE}`, '/etc/kubernetes/pki/ca.crt', { cert: '/etc/kubernetes/pki/admin.crt', key: '/etc/kubernetes/pki/admin.key' });
  node.put(kc, '/etc/kubernetes/kubelet.conf', 0o600);
  await node.startDockerd('/usr/bin/dockerd');
});

after(async () => {
  if (cm && cm.exitCode === null) {
    cm.kill('SIGTERM');
    await new Promise((r) => cm!.once('exit', r));
  }
  await fleet?.stop();
  await apiserver?.stop();
  await etcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a 1.5 kubelet registers with the stand-in apiserver over etcd and runs the pod bound to it', { timeout: 120_000 }, async () => {
  const h = node.host;
  await node.startKubelet('/usr/bin/kubelet', ['--kubeconfig=/etc/kubernetes/kubelet.conf', '--require-kubeconfig', `--hostname-override=${h.name}`, `--address=${h.ip}`, `--healthz-bind-address=${h.ip}`, `--node-ip=${h.ip}`, '--v=4']);
  const n = await waitFor('node registered Ready', async () => {
    const r = await api('GET', `/api/v1/nodes/${h.name}`);
    return r.status === 200 && r.body.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? r.body : undefined;
  });
  assert.equal(n.status.nodeInfo.kubeletVersion, 'v1.5.8');
  const created = await api('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-1', namespace: 'default' }, spec: { nodeName: h.name, containers: [{ name: 'db', image: 'postgres', command: ['sleep', '3600'] }] } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const pod = await waitFor('pod running', async () => {
    const r = await api('GET', '/api/v1/namespaces/default/pods/db-1');
    return r.body.status?.containerStatuses?.[0]?.state?.running ? r.body : undefined;
  });
  const id = String(pod.status.containerStatuses[0].containerID).replace('docker://', '');
  const c = await node.docker.inspect(id);
  assert.ok(c.running && node.alive(c.pid));
  assert.match(c.name, /^k8s_db\.[0-9a-f]{8}_db-1_default_/);
});

test('a graceful pod deletion is finished by the kubelet: containers stopped, then the pod removed', { timeout: 120_000 }, async () => {
  const pod = (await api('GET', '/api/v1/namespaces/default/pods/db-1')).body;
  const c = await node.docker.inspect(String(pod.status.containerStatuses[0].containerID).replace('docker://', ''));
  const del = await api('DELETE', '/api/v1/namespaces/default/pods/db-1');
  assert.equal(del.status, 200);
  assert.ok(del.body.metadata?.deletionTimestamp, 'the apiserver only marks the bound pod for deletion');
  await waitFor('pod gone from the API', async () => ((await api('GET', '/api/v1/namespaces/default/pods/db-1')).status === 404 ? true : undefined));
  assert.ok(!node.alive(c.pid), 'the container process was stopped');
  assert.deepEqual((await node.docker.listAll()).filter((x) => x.labels['io.kubernetes.pod.name'] === 'db-1'), []);
});

test('a stopped kubelet\'s node turns NotReady after the node controller\'s grace period, and Ready again when it starts', { timeout: 180_000 }, async () => {
  const h = node.host;
  const args = ['--kubeconfig=/etc/kubernetes/kubelet.conf', '--require-kubeconfig', `--hostname-override=${h.name}`, `--address=${h.ip}`, `--healthz-bind-address=${h.ip}`, `--node-ip=${h.ip}`, '--node-status-update-frequency=2s', '--v=4'];
  await node.stopKubelet();
  await node.startKubelet('/usr/bin/kubelet', args);
  const cmLog = join(dir, 'controller-manager.log');
  cm = spawn(join(rel, 'kube-controller-manager'), [`--master=http://${API_IP}:${BASE + 1}`, '--address=127.49.0.3', `--port=${BASE + 4}`, '--leader-elect=false', '--node-monitor-period=1s', '--node-monitor-grace-period=8s'], { stdio: ['ignore', openSync(cmLog, 'a'), openSync(cmLog, 'a')] });
  const ready = async (): Promise<string | undefined> => ((await api('GET', `/api/v1/nodes/${h.name}`)).body.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready')?.status;
  await waitFor('node controller started', async () => (/node controller/i.test(readFileSync(cmLog, 'utf8')) ? true : undefined), 30_000);
  await sleep(3000);
  assert.equal(await ready(), 'True', 'heartbeats every 2 s keep the node Ready under an 8 s grace period');
  await node.stopKubelet();
  const stoppedAt = Date.now();
  await waitFor('node NotReady', async () => ((await ready()) === 'Unknown' ? true : undefined), 60_000);
  const after = (Date.now() - stoppedAt) / 1000;
  assert.ok(after >= 8 - 2 - 1, `NotReady ${after} s after the kubelet stopped (grace 8 s, last heartbeat up to 2 s before)`);
  await node.startKubelet('/usr/bin/kubelet', args);
  await waitFor('node Ready again', async () => ((await ready()) === 'True' ? true : undefined), 60_000);
});

test('as systemd units: docker.service (Type=notify, as Docker ships it) starts; stopping kubelet.service keeps the containers, stopping docker.service stops them', { timeout: 240_000 }, async () => {
  const h = node.host;
  await node.stopKubelet();
  const dockerdPid = Number(readFileSync(node.path('/run/docker.pid'), 'utf8'));
  node.sh(`kill ${dockerdPid}`);
  await waitFor('dockerd to exit', async () => (node.alive(dockerdPid) ? undefined : true));
  mkdirSync(node.path('/etc/systemd/system'), { recursive: true });
  writeFileSync(node.path('/etc/systemd/system/docker.service'), '[Unit]\nDescription=Docker Application Container Engine\n[Service]\nType=notify\nExecStart=/usr/bin/dockerd -H unix:///var/run/docker.sock\n[Install]\nWantedBy=multi-user.target\n');
  writeFileSync(node.path('/etc/systemd/system/kubelet.service'), `[Unit]\nDescription=Kubernetes Kubelet\nAfter=docker.service\nRequires=docker.service\n[Service]\nExecStart=/usr/bin/kubelet --kubeconfig=/etc/kubernetes/kubelet.conf --require-kubeconfig --hostname-override=${h.name} --address=${h.ip} --healthz-bind-address=${h.ip} --node-ip=${h.ip} --v=4\nRestart=always\n[Install]\nWantedBy=multi-user.target\n`);
  const t0 = Date.now();
  node.sh('systemctl daemon-reload 2>/dev/null; systemctl enable docker kubelet 2>/dev/null; systemctl start docker 2>/dev/null');
  const startSeconds = (Date.now() - t0) / 1000;
  // without READY=1 on $NOTIFY_SOCKET the daemonless systemctl waits out its whole start timeout (90 s)
  assert.ok(startSeconds < 60, `systemctl start docker took ${startSeconds} s`);
  assert.equal(node.sh('systemctl is-active docker 2>/dev/null || true').trim(), 'active');
  node.sh('systemctl start kubelet 2>/dev/null');
  await api('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-2', namespace: 'default' }, spec: { nodeName: h.name, containers: [{ name: 'db', image: 'postgres', command: ['sleep', '3600'] }] } });
  const pod = await waitFor('db-2 running', async () => {
    const r = await api('GET', '/api/v1/namespaces/default/pods/db-2');
    return r.body.status?.containerStatuses?.[0]?.state?.running ? r.body : undefined;
  });
  const c = await node.docker.inspect(String(pod.status.containerStatuses[0].containerID).replace('docker://', ''));
  node.sh('systemctl stop kubelet 2>/dev/null');
  assert.notEqual(node.sh('systemctl is-active kubelet 2>/dev/null || true').trim(), 'active');
  assert.ok(node.alive(c.pid), 'the container outlives systemctl stop kubelet');
  node.sh('systemctl stop docker 2>/dev/null');
  await waitFor('container stopped with docker', async () => (node.alive(c.pid) ? undefined : true), 30_000);
});
