// The stand-in kubelet and dockerd on real fleet hosts, built by the release builder: a node
// registers with its version, a pod bound to it runs as real processes under dockerd, a
// kubelet restart keeps every container, and the 1.5 → 1.6 kubelet swap behaves per version
// (fact sheet §1): the stock 1.6 kubelet re-creates 1.5 containers, the patched one adopts
// them (same ids, start times, restartCount) and renames them to CRI names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { buildRelease } from '../../kube-release/build.js';
import { KubeletNode } from './kubelet-node.js';

type Obj = Record<string, any>;

let fleet: Fleet;
let sim: K8sSim;
let rel: string;
const nodes: Record<string, KubeletNode> = {};

const KUBELET = { v15: '/opt/kube/v1.5.8/kubelet', v16: '/opt/kube/v1.6.13/kubelet', patched: '/opt/kube/v1.6.13-jdos.1/kubelet' };

/** The flags every kubelet here gets: the sim's kubeconfig, and its ports on the host's own address. */
function kubeletArgs(n: KubeletNode, extra: string[] = []): string[] {
  const ip = n.host.ip;
  return ['--kubeconfig=/etc/kubernetes/kubelet.conf', '--require-kubeconfig', `--hostname-override=${n.host.name}`, `--address=${ip}`, `--healthz-bind-address=${ip}`, `--node-ip=${ip}`, '--node-labels=tier=web,zone=a', '--v=4', ...extra];
}

/** sim.api, sent again when a kept-alive connection was reset as it was reused. */
async function simApi(method: string, path: string, body?: unknown): Promise<{ status: number; body: Obj }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sim.api(method, path, body);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET' || attempt >= 3) throw e;
    }
  }
}

async function api(method: string, path: string, body?: unknown): Promise<Obj> {
  const r = await simApi(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

interface Seen {
  uid: string;
  containers: { name: string; id: string; startedAt: string; running: boolean; pid: number; cgroupParent: string; labels: Record<string, string> }[];
  statuses: { name: string; containerID: string; restartCount: number; startedAt: string }[];
}

/** A pod's containers as dockerd holds them and its containerStatuses as the API has them. */
async function seen(n: KubeletNode, pod: string): Promise<Seen> {
  const p = await api('GET', `/api/v1/namespaces/default/pods/${pod}`);
  const all = await n.docker.listAll();
  const containers = all
    .filter((c) => c.labels['io.kubernetes.pod.uid'] === p.metadata.uid)
    .map((c) => ({ name: c.name, id: c.id, startedAt: c.startedAt, running: c.running, pid: c.pid, cgroupParent: c.cgroupParent, labels: c.labels }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const statuses = (p.status?.containerStatuses ?? []).map((s: Obj) => ({ name: s.name, containerID: s.containerID, restartCount: s.restartCount, startedAt: s.state?.running?.startedAt }));
  return { uid: p.metadata.uid, containers, statuses };
}

/** Wait until the pod's status shows every container running under a docker:// id matching dockerd's. */
async function running(n: KubeletNode, pod: string, check: (s: Seen) => boolean = () => true): Promise<Seen> {
  return waitFor(`pod ${pod} running on ${n.host.name}`, async () => {
    const s = await seen(n, pod);
    const ids = new Set(s.containers.filter((c) => c.running).map((c) => `docker://${c.id}`));
    const ok = s.statuses.length > 0 && s.statuses.every((x) => x.startedAt && ids.has(x.containerID)) && s.containers.every((c) => c.running);
    return ok && check(s) ? s : undefined;
  });
}

/** What must not change when a kubelet keeps a pod's containers. */
function identity(s: Seen): unknown {
  return { containers: s.containers.map((c) => ({ id: c.id, startedAt: c.startedAt, pid: c.pid })), statuses: s.statuses.map((x) => ({ containerID: x.containerID, restartCount: x.restartCount, startedAt: x.startedAt })) };
}

/** GET a kubelet port's path: 10248/10255 plain HTTP, 10250 TLS (its self-signed serving cert). */
async function kubeletGet(ip: string, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const get = port === 10250 ? httpsRequest : request;
    get({ host: ip, port, path, rejectUnauthorized: false }, (res) => {
      let d = '';
      res.on('data', (c) => (d += c));
      res.on('end', () => resolve(d));
    })
      .on('error', reject)
      .end();
  });
}

async function createPod(name: string, node: string): Promise<void> {
  await api('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: node, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] } });
}

before(async () => {
  rel = mkdtempSync(join(tmpdir(), 'drover-kubelet-rel-'));
  await buildRelease({ version: 'v1.5.8', outDir: join(rel, '15') });
  await buildRelease({ version: 'v1.6.13', outDir: join(rel, '16') });
  await buildRelease({ version: 'v1.6.13', outDir: join(rel, '16p'), patchedKubelet: true });
  sim = await startK8sSim({ name: 'kubelet-d', host: '127.43.0.1', externalControllers: true });
  fleet = await startFleet({ hosts: 2, name: 'kubelet-d', subnet: 43 });
  for (const h of fleet.hosts) {
    const n = new KubeletNode(fleet, h);
    n.put(join(rel, '15', 'dockerd'), '/usr/bin/dockerd');
    n.put(join(rel, '15', 'kubelet'), KUBELET.v15);
    n.put(join(rel, '16', 'kubelet'), KUBELET.v16);
    n.put(join(rel, '16p', 'kubelet'), KUBELET.patched);
    n.put(sim.kubeconfig, '/etc/kubernetes/kubelet.conf', 0o600);
    // host2's docker keeps containers across its own restarts (--live-restore); host1's stops them, Docker's default
    await n.startDockerd('/usr/bin/dockerd', h.name === 'host2' ? ['--live-restore'] : []);
    nodes[h.name] = n;
  }
});

after(async () => {
  await fleet?.stop();
  await sim?.stop();
  if (rel) rmSync(rel, { recursive: true, force: true });
});

test('a 1.5 kubelet registers its node with its version and labels, posts Ready and serves healthz', { timeout: 120_000 }, async () => {
  for (const n of Object.values(nodes)) await n.startKubelet(KUBELET.v15, kubeletArgs(n));
  for (const n of Object.values(nodes)) {
    const node = await waitFor(`node ${n.host.name}`, async () => {
      const r = await simApi('GET', `/api/v1/nodes/${n.host.name}`);
      return r.status === 200 && r.body.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? r.body : undefined;
    });
    assert.equal(node.status.nodeInfo.kubeletVersion, 'v1.5.8');
    assert.equal(node.status.nodeInfo.containerRuntimeVersion, 'docker://1.12.6');
    assert.equal(node.metadata.labels.tier, 'web');
    assert.equal(node.metadata.labels['kubernetes.io/hostname'], n.host.name);
    assert.deepEqual(node.status.addresses.find((a: Obj) => a.type === 'InternalIP'), { type: 'InternalIP', address: n.host.ip });
    assert.equal(await kubeletGet(n.host.ip, 10248, '/healthz'), 'ok');
    assert.equal(await kubeletGet(n.host.ip, 10250, '/healthz'), 'ok');
  }
});

test('a pod bound to the node runs as real processes under dockerd, with 1.5 legacy names and no QoS cgroup', { timeout: 120_000 }, async () => {
  await createPod('web-1', 'host1');
  await createPod('web-2', 'host2');
  for (const [pod, n] of [['web-1', nodes.host1!], ['web-2', nodes.host2!]] as const) {
    const s = await running(n, pod);
    const hex = '[0-9a-f]{8}';
    assert.equal(s.containers.length, 2, JSON.stringify(s.containers));
    assert.match(s.containers[0]!.name, new RegExp(`^k8s_POD\\.${hex}_${pod}_default_${s.uid}_${hex}$`));
    assert.match(s.containers[1]!.name, new RegExp(`^k8s_app\\.${hex}_${pod}_default_${s.uid}_${hex}$`));
    for (const c of s.containers) {
      assert.equal(c.labels['io.kubernetes.docker.type'], undefined, '1.5 sets no CRI type label');
      assert.equal(c.cgroupParent, '', '1.5 default: no QoS cgroups, cgroup-root ""');
      assert.ok(n.alive(c.pid), `container process ${c.pid} runs on ${n.host.name}`);
    }
    const app = s.containers[1]!;
    assert.equal(n.sh(`tr '\\0' ' ' < /proc/${app.pid}/cmdline`).trim(), 'sleep 3600');
    // not the kubelet's child: its own session, outside the kubelet's process tree
    assert.notEqual(n.sh(`ps -o sid= -p ${app.pid}`).trim(), n.sh(`ps -o sid= -p ${n.kubeletPid()}`).trim());
    assert.deepEqual(s.statuses.map((x) => [x.name, x.restartCount]), [['app', 0]]);
    const served = JSON.parse(await kubeletGet(n.host.ip, 10255, '/pods'));
    assert.deepEqual(served.items.map((p: Obj) => p.metadata.name), [pod], 'the read-only port lists the pods bound here');
  }
});

test('a kubelet restart keeps every container (same ids, start times, restartCount); stopped, it leaves them running', { timeout: 120_000 }, async () => {
  const n = nodes.host1!;
  const before1 = await running(n, 'web-1');
  await n.stopKubelet();
  for (const c of before1.containers) assert.ok(n.alive(c.pid), `container ${c.name} still runs with the kubelet stopped`);
  await n.startKubelet(KUBELET.v15, kubeletArgs(n));
  await n.waitRelists(3);
  const after1 = await running(n, 'web-1');
  assert.deepEqual(identity(after1), identity(before1));
});

test('the patched 1.6 kubelet with --cgroups-per-qos=false adopts the 1.5 containers untouched and gives them CRI names', { timeout: 120_000 }, async () => {
  const n = nodes.host1!;
  assert.equal(n.sh(`${KUBELET.patched} --version`).trim(), 'Kubernetes v1.6.13-jdos.1');
  const before1 = await running(n, 'web-1');
  await n.stopKubelet();
  // as in reality, --cgroups-per-qos=false needs --enforce-node-allocatable="" (its default `pods` needs QoS cgroups)
  const refused = n.runKubeletOnce(KUBELET.patched, kubeletArgs(n, ['--cgroups-per-qos=false', '--healthz-port=0', '--port=0', '--read-only-port=0']));
  assert.equal(refused.rc, 1, refused.stderr);
  assert.match(refused.stderr, /error: failed to run Kubelet: Node Allocatable enforcement is not supported unless Cgroups Per QOS feature is turned on/);
  await n.startKubelet(KUBELET.patched, kubeletArgs(n, ['--cgroups-per-qos=false', '--enforce-node-allocatable=']));
  const after1 = await running(n, 'web-1', (s) => s.containers.every((c) => /_\d+$/.test(c.name) && !c.name.includes('.')));
  await n.waitRelists(3);
  const settled = await running(n, 'web-1');
  assert.deepEqual(identity(after1), identity(before1));
  assert.deepEqual(identity(settled), identity(before1));
  assert.deepEqual(settled.containers.map((c) => c.name), [`k8s_POD_web-1_default_${settled.uid}_0`, `k8s_app_web-1_default_${settled.uid}_0`]);
  const node = await api('GET', '/api/v1/nodes/host1');
  assert.equal(node.status.nodeInfo.kubeletVersion, 'v1.6.13-jdos.1');
});

test('a 1.6 kubelet with --enable-cri=false still re-creates 1.5 containers (the spec hash changed with the API types)', { timeout: 120_000 }, async () => {
  const n = nodes.host2!;
  const before2 = await running(n, 'web-2');
  await n.stopKubelet();
  await n.startKubelet(KUBELET.v16, kubeletArgs(n, ['--enable-cri=false', '--cgroups-per-qos=false', '--enforce-node-allocatable=']));
  const after2 = await running(n, 'web-2', (s) => s.statuses[0]!.restartCount === 1);
  const oldIds = new Set(before2.containers.map((c) => c.id));
  assert.ok(after2.containers.every((c) => !oldIds.has(c.id)), 'every container has a new id');
  assert.ok(after2.containers.every((c) => /^k8s_(POD|app)\.[0-9a-f]{8}_/.test(c.name)), 'docker-tools path keeps legacy names');
  assert.ok(Date.parse(after2.statuses[0]!.startedAt) >= Date.parse(before2.statuses[0]!.startedAt));
  for (const c of before2.containers) assert.ok(!n.alive(c.pid) || n.sh(`tr '\\0' ' ' < /proc/${c.pid}/cmdline`).trim() === '', `old container process ${c.pid} is gone`);
});

test('a stock 1.6 kubelet recreates legacy containers (new ids, restartCount up) into the QoS hierarchy, and keeps its own on restart', { timeout: 180_000 }, async () => {
  const n = nodes.host2!;
  const before2 = await running(n, 'web-2');
  const restarts = before2.statuses[0]!.restartCount;
  await n.stopKubelet();
  await n.startKubelet(KUBELET.v16, kubeletArgs(n));
  const after2 = await running(n, 'web-2', (s) => s.statuses[0]!.restartCount === restarts + 1);
  const oldIds = new Set(before2.containers.map((c) => c.id));
  assert.ok(after2.containers.every((c) => !oldIds.has(c.id)), 'every container has a new id');
  assert.deepEqual(after2.containers.map((c) => c.name), [`k8s_POD_web-2_default_${after2.uid}_${restarts + 1}`, `k8s_app_web-2_default_${after2.uid}_${restarts + 1}`]);
  assert.deepEqual(after2.containers.map((c) => c.labels['io.kubernetes.docker.type']), ['podsandbox', 'container']);
  assert.ok(after2.containers.every((c) => c.cgroupParent === `/kubepods/besteffort/pod${after2.uid}`), JSON.stringify(after2.containers.map((c) => c.cgroupParent)));
  assert.notEqual(after2.statuses[0]!.containerID, before2.statuses[0]!.containerID);
  // the same stock 1.6 kubelet restarted: its own CRI containers stay
  await n.stopKubelet();
  await n.startKubelet(KUBELET.v16, kubeletArgs(n));
  await n.waitRelists(3);
  assert.deepEqual(identity(await running(n, 'web-2')), identity(after2));
});

test('the patched kubelet with --cgroups-per-qos=true re-creates pods outside the QoS hierarchy', { timeout: 120_000 }, async () => {
  const n = nodes.host1!;
  const before1 = await running(n, 'web-1');
  await n.stopKubelet();
  await n.startKubelet(KUBELET.patched, kubeletArgs(n));
  const after1 = await running(n, 'web-1', (s) => s.statuses[0]!.restartCount === 1);
  assert.ok(after1.containers.every((c) => !before1.containers.some((b) => b.id === c.id)));
  assert.ok(after1.containers.every((c) => c.cgroupParent === `/kubepods/besteffort/pod${after1.uid}`));
});

test('a 1.6 kubelet refuses to start when its cgroup driver differs from docker\'s', { timeout: 60_000 }, async () => {
  const n = nodes.host2!;
  const r = n.runKubeletOnce(KUBELET.v16, kubeletArgs(n, ['--cgroup-driver=systemd', '--healthz-port=0', '--port=0', '--read-only-port=0']));
  assert.equal(r.rc, 1, r.stderr);
  assert.match(r.stderr, /misconfiguration: kubelet cgroup driver: "systemd" is different from docker cgroup driver: "cgroupfs"/);
});

test('a restarted dockerd (--live-restore) re-adopts running containers by pid and pid start time, never a recycled pid', { timeout: 120_000 }, async () => {
  const n = nodes.host2!;
  const s = await running(n, 'web-2');
  const [sandbox, app] = s.containers;
  const dockerdPid = Number(readFileSync(n.path('/run/docker.pid'), 'utf8'));
  n.sh(`kill ${dockerdPid}`);
  await waitFor('dockerd to exit', async () => (n.alive(dockerdPid) ? undefined : true));
  // the app's record now names a pid whose start time is not its container's: a recycled pid
  const record = n.path(`/var/lib/dockerd-standin/containers/${app!.id}/config.json`);
  writeFileSync(record, JSON.stringify({ ...JSON.parse(readFileSync(record, 'utf8')), pidStart: '1' }));
  await n.startDockerd('/usr/bin/dockerd', ['--live-restore']);
  const sb = await n.docker.inspect(sandbox!.id);
  assert.deepEqual([sb.running, sb.pid, sb.startedAt], [true, sandbox!.pid, sandbox!.startedAt], 'the sandbox is re-adopted as it was');
  assert.equal((await n.docker.inspect(app!.id)).running, false, 'a pid with another start time is not the container');
  // the kubelet replaces the "exited" app container; the unrelated process behind the pid is never signalled
  const after2 = await running(n, 'web-2', (x) => x.statuses[0]!.restartCount === s.statuses[0]!.restartCount + 1);
  assert.equal(after2.containers[0]!.id, sandbox!.id);
  assert.ok(n.alive(app!.pid), 'dockerd did not kill a pid it no longer owns');
});

test('a kubelet that cannot reach the API touches no container (cleanup waits for the API source)', { timeout: 120_000 }, async () => {
  const n = nodes.host2!;
  const before2 = await running(n, 'web-2');
  await n.stopKubelet();
  // the same credentials, but a server nobody answers on
  writeFileSync(n.path('/etc/kubernetes/unreachable.conf'), readFileSync(sim.kubeconfig, 'utf8').replace(/server: https:\/\/[^\s]+/, 'server: https://127.43.0.1:1'), { mode: 0o600 });
  await n.startKubelet(KUBELET.v16, kubeletArgs(n).map((a) => (a.startsWith('--kubeconfig=') ? '--kubeconfig=/etc/kubernetes/unreachable.conf' : a)));
  await waitFor('three failed relists', async () => ((n.log('/var/log/kubelet.log').match(/Skipping pod synchronization/g) ?? []).length >= 3 ? true : undefined));
  assert.deepEqual((await n.docker.listAll()).filter((c) => c.labels['io.kubernetes.pod.uid'] === before2.uid).map((c) => [c.id, c.running]).sort(), before2.containers.map((c) => [c.id, true]).sort());
  await n.stopKubelet();
  await n.startKubelet(KUBELET.v16, kubeletArgs(n));
  await n.waitRelists(3);
  assert.deepEqual(identity(await running(n, 'web-2')), identity(before2));
});

test('a 1.6 kubelet registers a new Node with the taints of --register-with-taints', { timeout: 120_000 }, async () => {
  const n = nodes.host2!;
  await n.stopKubelet();
  await api('DELETE', '/api/v1/nodes/host2');
  await n.startKubelet(KUBELET.v16, kubeletArgs(n, ['--register-with-taints=dedicated=db:NoSchedule,spot:PreferNoSchedule']));
  const node = await waitFor('node host2 registered again', async () => {
    const r = await simApi('GET', '/api/v1/nodes/host2');
    return r.status === 200 ? r.body : undefined;
  });
  assert.deepEqual(node.spec.taints, [
    { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
    { key: 'spot', value: '', effect: 'PreferNoSchedule' },
  ]);
  assert.equal(node.status.nodeInfo.kubeletVersion, 'v1.6.13');
});

test('stopping dockerd without --live-restore stops its containers; the kubelet re-creates them once docker is back', { timeout: 120_000 }, async () => {
  const n = nodes.host1!;
  const s = await running(n, 'web-1');
  const dockerdPid = Number(readFileSync(n.path('/run/docker.pid'), 'utf8'));
  n.sh(`kill ${dockerdPid}`);
  await waitFor('dockerd to exit', async () => (n.alive(dockerdPid) ? undefined : true));
  for (const c of s.containers) assert.ok(!n.alive(c.pid), `container process ${c.pid} stopped with the daemon`);
  await n.startDockerd('/usr/bin/dockerd');
  const after1 = await running(n, 'web-1', (x) => x.statuses[0]!.restartCount === s.statuses[0]!.restartCount + 1);
  assert.ok(after1.containers.every((c) => !s.containers.some((b) => b.id === c.id)), 'new containers');
});

test('a 1.6 kubelet with --network-plugin=cni keeps its node NotReady until a CNI config is in --cni-conf-dir', { timeout: 120_000 }, async () => {
  const n = nodes.host1!;
  const ready = async (): Promise<Obj | undefined> => ((await api('GET', '/api/v1/nodes/host1')).status.conditions as Obj[]).find((c) => c.type === 'Ready');
  await n.stopKubelet();
  n.sh('rm -rf /etc/cni/net.d');
  await n.startKubelet(KUBELET.patched, kubeletArgs(n, ['--network-plugin=cni', '--node-status-update-frequency=1s']));
  const notReady = await waitFor('Ready=False', async () => {
    const c = await ready();
    return c?.status === 'False' ? c : undefined;
  });
  assert.match(notReady.message, /network plugin is not ready: cni config uninitialized/);
  n.sh(`mkdir -p /etc/cni/net.d && echo '{"cniVersion":"0.3.1","name":"pods","type":"bridge"}' > /etc/cni/net.d/10-pods.conf`);
  await waitFor('Ready=True', async () => ((await ready())?.status === 'True' ? true : undefined));
});

test('a deleted pod\'s containers are stopped and removed by its kubelet', { timeout: 60_000 }, async () => {
  const n = nodes.host1!;
  const s = await running(n, 'web-1');
  await api('DELETE', '/api/v1/namespaces/default/pods/web-1');
  await waitFor('web-1 containers removed', async () => ((await n.docker.listAll()).some((c) => c.labels['io.kubernetes.pod.uid'] === s.uid) ? undefined : true));
  for (const c of s.containers) assert.ok(!n.alive(c.pid), `container process ${c.pid} ended`);
});
