// kube-controller-manager and kube-scheduler stand-ins against the API simulator (TLS on
// 127.44.0.1, --external-controllers so nothing but these components schedules or marks nodes):
// each runs as its own process in its own UTS namespace (so hostname = identity differs, as on
// separate masters). Checks the 1.5/1.6 Endpoints lock, fail-over after kill -9, exit 255 when
// renewals fail, scheduling to Ready/schedulable/tolerated nodes, and the node controller's
// NotReady marking and pod eviction (short flags, plus one run with the real 40 s default).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { ROOT } from '../../helpers/cli.js';

type Obj = Record<string, any>;

const HOST = '127.44.0.1';
const LEADER = 'control-plane.alpha.kubernetes.io/leader';
let sim: K8sSim;
let logs: string;
const procs: Proc[] = [];

interface Proc {
  child: ChildProcess;
  name: string;
  log: string;
  port: number;
  exited: Promise<number | null>;
}

before(async () => {
  sim = await startK8sSim({ name: 'e-cluster-world', host: HOST, externalControllers: true });
  logs = mkdtempSync(join(tmpdir(), 'drover-e-cw-'));
});

after(async () => {
  for (const stop of loops) stop();
  for (const p of procs) if (running(p)) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  try {
    process.kill(sim.pid, 'SIGCONT');
  } catch {
    /* gone */
  }
  await sim?.stop();
  for (const d of [logs, sim?.root]) if (d) rmSync(d, { recursive: true, force: true });
});

let nextPort = 20000 + Math.floor(Math.random() * 20000);

/** Start a component's bin entry from source (that version's flag table and checks), hostname `name`. */
function start(component: 'kube-controller-manager' | 'kube-scheduler', version: string, name: string, args: string[] = []): Proc {
  const port = nextPort++;
  const log = join(logs, `${name}.log`);
  const fd = openSync(log, 'a');
  const argv = ['--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', name, process.execPath, '--import', 'tsx', join(ROOT, 'test/kube-release/bin', `${component}.ts`), `--kubeconfig=${sim.kubeconfig}`, `--address=${HOST}`, `--port=${port}`, ...args];
  const child = spawn('unshare', argv, { stdio: ['ignore', fd, fd], cwd: ROOT, env: { ...process.env, KUBE_RELEASE_VERSION: version } });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const p = { child, name, log, port, exited };
  procs.push(p);
  return p;
}

const logOf = (p: Proc): string => readFileSync(p.log, 'utf8');

/** Neither exited nor killed by a signal (a killed child keeps exitCode null). */
const running = (p: Proc): boolean => p.child.exitCode === null && p.child.signalCode === null;

async function get(path: string): Promise<Obj | undefined> {
  const r = await sim.api('GET', path);
  return r.status === 200 ? r.body : undefined;
}

async function lockRecord(name: string): Promise<Obj | undefined> {
  const ep = await get(`/api/v1/namespaces/kube-system/endpoints/${name}`);
  const text = ep?.metadata?.annotations?.[LEADER];
  return text ? (JSON.parse(text) as Obj) : undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

// ---- leader election ---------------------------------------------------------------------

let cms: Proc[] = [];

test('three controller-managers: exactly one holds kube-system/kube-controller-manager, with the 1.5 record', async () => {
  cms = ['cm-a', 'cm-b', 'cm-c'].map((n) => start('kube-controller-manager', 'v1.5.8', n));
  // three processes compile their TypeScript (tsx) first: on a loaded machine that alone took over 20 s
  const rec = await until('a leader', () => lockRecord('kube-controller-manager'), 60_000);
  assert.ok(['cm-a', 'cm-b', 'cm-c'].includes(rec.holderIdentity), JSON.stringify(rec));
  assert.deepEqual(Object.keys(rec), ['holderIdentity', 'leaseDurationSeconds', 'acquireTime', 'renewTime', 'leaderTransitions']);
  assert.equal(rec.leaseDurationSeconds, 15);
  assert.equal(rec.leaderTransitions, 0);
  assert.match(rec.acquireTime, RFC3339);
  assert.match(rec.renewTime, RFC3339);
  await sleep(5_000); // renewals every 2 s; the standbys keep waiting
  const later = await lockRecord('kube-controller-manager');
  assert.equal(later!.holderIdentity, rec.holderIdentity);
  assert.equal(later!.acquireTime, rec.acquireTime);
  assert.ok(Date.parse(later!.renewTime) > Date.parse(rec.renewTime), 'the leader renews');
  assert.equal(later!.leaderTransitions, 0);
  for (const p of cms) {
    const h = await fetch(`http://${HOST}:${p.port}/healthz`);
    assert.equal(await h.text(), 'ok', `${p.name} healthz`); // leader or not, as the real one
    const leads = p.name === rec.holderIdentity;
    assert.equal(/Starting node controller/.test(logOf(p)), leads, `${p.name}: only the leader runs controllers\n${logOf(p)}`);
  }
});

test('kill -9 of the leader: a standby takes the lock within one lease (+ its retry period, jittered)', async () => {
  const rec = (await lockRecord('kube-controller-manager'))!;
  const leader = cms.find((p) => p.name === rec.holderIdentity)!;
  leader.child.kill('SIGKILL');
  const killedAt = Date.now();
  await leader.exited;
  const next = await until('a new leader', async () => {
    const r = await lockRecord('kube-controller-manager');
    return r && r.holderIdentity !== leader.name ? r : undefined;
  }, 40_000, 100);
  const took = (Date.now() - killedAt) / 1000;
  process.stdout.write(`# fail-over after kill -9: ${took.toFixed(1)} s (lease 15 s, retry 2 s)\n`);
  // a standby saw the last renewal at most one jittered retry (2 s × 2.2) after it was written,
  // and notices expiry at most one jittered retry after the lease: 15 + 4.4 + 4.4, plus margin
  assert.ok(took <= 15 + 4.4 + 4.4 + 3, `takeover took ${took} s`);
  assert.ok(took >= 15 - 2 - 1, `takeover after ${took} s: sooner than a lease since the last renewal`);
  assert.equal(next.leaderTransitions, 1);
  assert.ok(Date.parse(next.acquireTime) >= Math.floor(killedAt / 1000) * 1000 + 12_000, `acquireTime ${next.acquireTime} is the new leader's`);
  // its PUT may be answered (and seen here) a moment before it writes the log line, on a loaded machine
  const winner = cms.find((p) => p.name === next.holderIdentity)!;
  await until('the new leader to log its acquisition', async () => /successfully acquired lease kube-system\/kube-controller-manager/.test(logOf(winner)), 10_000);
});

test('a leader that cannot renew within the renew deadline logs a fatal line and exits 255; the standby leads once the API answers again', async () => {
  const rec = (await lockRecord('kube-controller-manager'))!;
  const leader = cms.find((p) => p.name === rec.holderIdentity)!;
  // the one killed by SIGKILL above has exitCode null too (signalCode is set): skip it
  const standby = cms.find((p) => running(p) && p !== leader)!;
  process.kill(sim.pid, 'SIGSTOP'); // the API hangs: requests get no answer
  const stoppedAt = Date.now();
  const code = await Promise.race([leader.exited, sleep(30_000).then(() => 'still running')]);
  const took = (Date.now() - stoppedAt) / 1000;
  process.kill(sim.pid, 'SIGCONT');
  const resumedAt = Date.now();
  process.stdout.write(`# leader exit after the API stopped answering: ${took.toFixed(1)} s (renew deadline 10 s)\n`);
  assert.equal(code, 255, logOf(leader));
  assert.match(logOf(leader), /^F\d{4} [\d:.]+ +\d+ [^\]]+\] leaderelection lost$/m);
  // the deadline runs from the last successful renewal, at most one retry (2 s) before the stop
  assert.ok(took >= 10 - 2 - 1 && took <= 10 + 3, `exit after ${took} s`);
  const next = await until('the standby to take over', async () => {
    const r = await lockRecord('kube-controller-manager');
    return r && r.holderIdentity === standby.name ? r : undefined;
    // the standby's own requests hung too (up to its 10 s request timeout), then it must see the
    // record unchanged for a whole lease (15 s) plus a jittered retry: 60 s leaves room for load
  }, 60_000);
  process.stdout.write(`# standby ${standby.name} leads ${((Date.now() - resumedAt) / 1000).toFixed(1)} s after the API answers again, ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after it stopped\n`);
  assert.equal(next.leaderTransitions, 2);
  assert.ok(running(standby), 'a standby that could not reach the API keeps running');
  standby.child.kill('SIGKILL');
  await standby.exited;
});

// ---- scheduler -----------------------------------------------------------------------------

const ready = (hb = new Date()): Obj => ({ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: hb.toISOString().replace(/\.\d+Z$/, 'Z'), lastTransitionTime: hb.toISOString().replace(/\.\d+Z$/, 'Z') });

async function createNode(name: string, extra: { spec?: Obj; conditions?: Obj[]; labels?: Obj } = {}): Promise<void> {
  const r = await sim.api('POST', '/api/v1/nodes', { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...extra.labels } }, spec: extra.spec ?? {}, status: { conditions: extra.conditions ?? [ready()], capacity: { cpu: '2', memory: '4Gi', pods: '110' } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

async function createPod(ns: string, name: string, spec: Obj = {}): Promise<void> {
  const r = await sim.api('POST', `/api/v1/namespaces/${ns}/pods`, { metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

test('the scheduler binds pending pods to Ready nodes only: not NotReady, cordoned or tainted ones', async () => {
  await sim.api('POST', '/api/v1/namespaces', { metadata: { name: 'sched' } });
  await createNode('s-ready');
  await createNode('s-notready', { conditions: [{ ...ready(), status: 'False', reason: 'KubeletNotReady' }] });
  await createNode('s-cordoned', { spec: { unschedulable: true } });
  await createNode('s-tainted', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
  for (const i of [1, 2, 3, 4]) await createPod('sched', `web-${i}`);
  await createPod('sched', 'db', { nodeSelector: { 'kubernetes.io/hostname': 's-tainted' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] });
  await createPod('sched', 'stuck', { nodeSelector: { 'kubernetes.io/hostname': 's-notready' } });
  const s = start('kube-scheduler', 'v1.6.13', 'sched-a');
  const pods = await until('5 pods bound', async () => {
    const items: Obj[] = (await get('/api/v1/namespaces/sched/pods'))!.items;
    return items.filter((p) => p.spec.nodeName).length >= 5 ? items : undefined;
  }, 60_000); // includes the scheduler's start-up (tsx), which took over 20 s on a loaded machine
  const on = Object.fromEntries(pods.map((p) => [p.metadata.name, p.spec.nodeName ?? '']));
  assert.deepEqual(on, { db: 's-tainted', stuck: '', 'web-1': 's-ready', 'web-2': 's-ready', 'web-3': 's-ready', 'web-4': 's-ready' });
  const scheduled = pods.find((p) => p.metadata.name === 'web-1')!.status.conditions.find((c: Obj) => c.type === 'PodScheduled');
  assert.equal(scheduled?.status, 'True');
  const events: Obj[] = (await get('/api/v1/namespaces/sched/events'))!.items;
  assert.ok(events.some((e) => e.involvedObject.name === 'stuck' && e.reason === 'FailedScheduling'), 'the unplaceable pod gets a FailedScheduling event');
  assert.equal((await lockRecord('kube-scheduler'))?.holderIdentity, 'sched-a');
  // the 1.6 scheduler reads taints from spec; a 1.5 one reads the alpha annotation instead
  const k = await sim.kubectl(['get', 'pods', '-n', 'sched', '-o', 'wide', '--no-headers']);
  assert.equal(k.rc, 0, k.stderr);
  assert.match(k.stdout, /^stuck +0\/1 +Pending/m);
  s.child.kill('SIGTERM');
  await s.exited;
  for (const n of ['s-ready', 's-notready', 's-cordoned', 's-tainted']) await sim.api('DELETE', `/api/v1/nodes/${n}`);
});

// ---- node controller -----------------------------------------------------------------------

/** Stops of the heartbeat loops still running: after() ends them, so a failed test does not keep this file's process alive. */
const loops: (() => void)[] = [];

/** A stand-in kubelet's status loop: PUT nodes/NAME/status with a fresh Ready heartbeat. */
function heartbeats(node: string, everyMs = 1000): { stop(): void } {
  let on = true;
  loops.push(() => void (on = false));
  void (async () => {
    while (on) {
      const n = await get(`/api/v1/nodes/${node}`).catch(() => undefined);
      if (n && on) {
        const conditions = (n.status.conditions as Obj[]).filter((c) => c.type !== 'Ready').concat([ready()]);
        await sim.api('PUT', `/api/v1/nodes/${node}/status`, { ...n, status: { ...n.status, conditions } }).catch(() => undefined);
      }
      await sleep(everyMs);
    }
  })();
  return { stop: () => void (on = false) };
}

async function readyStatus(node: string): Promise<string> {
  const n = await get(`/api/v1/nodes/${node}`);
  return (n?.status?.conditions as Obj[] | undefined)?.find((c) => c.type === 'Ready')?.status ?? '';
}

/** What a kubelet reports for a running pod: Ready=True (through pods/status). */
async function setPodReady(ns: string, name: string): Promise<void> {
  const p = (await get(`/api/v1/namespaces/${ns}/pods/${name}`))!;
  const r = await sim.api('PUT', `/api/v1/namespaces/${ns}/pods/${name}/status`, { ...p, status: { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function podReady(ns: string, name: string): Promise<string> {
  const p = await get(`/api/v1/namespaces/${ns}/pods/${name}`);
  return (p?.status?.conditions as Obj[] | undefined)?.find((c) => c.type === 'Ready')?.status ?? '';
}

async function podGone(ns: string, name: string): Promise<boolean> {
  const p = await get(`/api/v1/namespaces/${ns}/pods/${name}`);
  return !p || Boolean(p.metadata.deletionTimestamp);
}

test('node controller: NotReady (its pods not Ready) after the grace period, pods deleted after the eviction timeout, Ready again on heartbeats; no evictions when all nodes are NotReady', async () => {
  await sim.api('POST', '/api/v1/namespaces', { metadata: { name: 'nc' } });
  await createNode('nc-1');
  await createNode('nc-2');
  const hb1 = heartbeats('nc-1');
  const hb2 = heartbeats('nc-2');
  await createPod('nc', 'on-1a', { nodeName: 'nc-1' });
  await createPod('nc', 'on-1b', { nodeName: 'nc-1' });
  await createPod('nc', 'on-2', { nodeName: 'nc-2' });
  for (const p of ['on-1a', 'on-1b', 'on-2']) await setPodReady('nc', p);
  const cm = start('kube-controller-manager', 'v1.6.13', 'cm-nc', ['--leader-elect=false', '--node-monitor-period=1s', '--node-monitor-grace-period=4s', '--pod-eviction-timeout=8s']);
  await until('the node controller', async () => /Starting node controller/.test(logOf(cm)), 60_000); // start-up (tsx) is slow under load
  await sleep(2_000);
  hb1.stop();
  const stoppedAt = Date.now();
  await until('nc-1 NotReady', async () => (await readyStatus('nc-1')) === 'Unknown', 15_000);
  const notReadyAfter = (Date.now() - stoppedAt) / 1000;
  const k = await sim.kubectl(['get', 'nodes', 'nc-1', 'nc-2', '--no-headers']);
  assert.match(k.stdout, /^nc-1 +NotReady/m);
  assert.match(k.stdout, /^nc-2 +Ready/m);
  // the controller saw the last heartbeat change within one monitor period (1 s) of its write
  assert.ok(notReadyAfter >= 4 - 1.5 && notReadyAfter <= 4 + 1 + 3, `NotReady after ${notReadyAfter} s with a 4 s grace period`);
  const unknown = ((await get('/api/v1/nodes/nc-1'))!.status.conditions as Obj[]).find((c) => c.type === 'Ready')!;
  assert.equal(unknown.reason, 'NodeStatusUnknown');
  assert.equal(unknown.message, 'Kubelet stopped posting node status.');
  assert.equal(await podGone('nc', 'on-1a'), false, 'pods stay until the eviction timeout');
  await until('pods of nc-1 not Ready', async () => (await podReady('nc', 'on-1a')) === 'False' && (await podReady('nc', 'on-1b')) === 'False', 3_000);
  assert.equal(await podReady('nc', 'on-2'), 'True', 'pods of the Ready node stay Ready');
  await until('nc-1 pods deleted', async () => (await podGone('nc', 'on-1a')) && podGone('nc', 'on-1b'), 15_000);
  const evictedAfter = (Date.now() - stoppedAt) / 1000;
  assert.ok(evictedAfter >= 8 - 1.5, `evicted ${evictedAfter} s after the last heartbeat, eviction timeout 8 s`);
  assert.equal(await podGone('nc', 'on-2'), false, 'pods of the Ready node stay');
  process.stdout.write(`# short flags: NotReady ${notReadyAfter.toFixed(1)} s (grace 4 s), pods deleted ${evictedAfter.toFixed(1)} s (timeout 8 s) after the last heartbeat\n`);

  const hb1b = heartbeats('nc-1');
  await until('nc-1 Ready again', async () => (await readyStatus('nc-1')) === 'True', 10_000);
  await sleep(5_000);
  assert.equal(await readyStatus('nc-1'), 'True', 'a node whose kubelet posts again stays Ready');

  // every node NotReady: "master disruption mode", nothing evicted
  await createPod('nc', 'all-1', { nodeName: 'nc-1' });
  await createPod('nc', 'all-2', { nodeName: 'nc-2' });
  hb1b.stop();
  hb2.stop();
  await until('both NotReady', async () => (await readyStatus('nc-1')) === 'Unknown' && (await readyStatus('nc-2')) === 'Unknown', 15_000);
  await sleep(12_000); // past the 8 s eviction timeout
  assert.equal(await podGone('nc', 'all-1'), false, 'no eviction when all nodes are NotReady');
  assert.equal(await podGone('nc', 'all-2'), false, 'no eviction when all nodes are NotReady');
  assert.match(logOf(cm), /Entering master disruption mode/);
  cm.child.kill('SIGTERM');
  await cm.exited;
  for (const n of ['nc-1', 'nc-2']) await sim.api('DELETE', `/api/v1/nodes/${n}`);
});

test('node controller with the real defaults: a restarted controller-manager gives a stale node the full 40 s grace from its own start', async () => {
  const longAgo = new Date(Date.now() - 10 * 60_000);
  await createNode('stale', { conditions: [ready(longAgo)] });
  const cm = start('kube-controller-manager', 'v1.5.8', 'cm-default', ['--leader-elect=false']);
  await until('the node controller', async () => /Starting node controller/.test(logOf(cm)), 60_000); // start-up (tsx) is slow under load
  const startedAt = Date.now();
  await sleep(30_000);
  assert.equal(await readyStatus('stale'), 'True', 'not NotReady before the grace period, although its heartbeat is 10 minutes old');
  await until('stale NotReady', async () => (await readyStatus('stale')) === 'Unknown', 25_000, 500);
  const after = (Date.now() - startedAt) / 1000;
  process.stdout.write(`# real default: NotReady ${after.toFixed(1)} s after the controller-manager started (grace 40 s, monitor period 5 s)\n`);
  assert.ok(after >= 40 - 1 && after <= 40 + 5 + 3, `NotReady ${after} s after start`);
  cm.child.kill('SIGTERM');
  await cm.exited;
});
