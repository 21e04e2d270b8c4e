// drover cluster stop / start on the cluster world (3 control-plane hosts + 4 nodes, v1.5.8)
// with pods running: a full cycle ends green, every container keeps its ID and start time, no
// pod is deleted, and the hosts' own systemctl logs show the documented order. Then the gate
// drills: a container killed during the window stops `cluster stop` at that gate, naming the
// node; a kubelet run by hand outside its unit keeps its port and stops `cluster stop --etcd` at
// the kubelet gate, with etcd untouched.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hubDrover } from './cluster-harness.js';
import { containersOn, deployedWorld, runningPods, stageSequence, unitActions, type World } from './maintenance-harness.js';

// 3 + 2 keeps the file under 4 minutes; DROVER_MAINT_NODES=4 gives the README's 3 + 4 figures
const NODES = Array.from({ length: Number(process.env.DROVER_MAINT_NODES ?? 2) }, (_, i) => `node${i + 1}`);
const PODS = 2 * NODES.length;
let world: World;

before(async () => {
  world = await deployedWorld('m-maint', 77, NODES, PODS);
});

after(async () => {
  await world?.fleet.stop();
});

const snapshot = (): Map<string, { startedAt: string; pid: number; running: boolean }> => new Map(NODES.flatMap((n) => [...containersOn(world.fleet, n)]));

test('--plan prints the stages and gates in order and touches nothing', async () => {
  const res = await hubDrover(world.fleet, ['cluster', 'stop', '-i', world.inventory, '--plan', '--apiservers']);
  assert.equal(res.code, 0, res.stderr);
  const lines = res.stdout.trim().split('\n').slice(1);
  assert.deepEqual(lines.map((l) => l.replace(/ \[.*$/, '')), ['1. snapshot of every running container', '2. stop entrances', '3. stop apiservers', '4. stop controller-manager + scheduler', '5. stop kubelets + kube-proxy']);
  assert.deepEqual(unitActions(world.fleet), []);
  assert.equal(existsSync(join(world.dir, '.drover', 'cluster.local', 'maintenance.json')), false);
});

test('a full stop then start ends green; every container keeps its ID and start time; no pod deleted; the hosts logged the documented order', async () => {
  const before = snapshot();
  const pods = runningPods(world);
  // each pod: its infra (pause) container and its own
  assert.equal(before.size, 2 * PODS);
  const t0 = Date.now();
  const stop = await hubDrover(world.fleet, ['cluster', 'stop', '-i', world.inventory, '--yes', '--reason', 'kernel update']);
  const stopS = (Date.now() - t0) / 1000;
  assert.equal(stop.code, 0, stop.stdout.slice(-4000) + stop.stderr);
  assert.match(stop.stdout, /reason: kernel update/);
  assert.match(stop.stdout, /event kube-system\/drover-maintenance\.\S+ recorded/);
  assert.match(stop.stdout, /cluster stop: every stage proven/);
  const rec = JSON.parse(readFileSync(join(world.dir, '.drover', 'cluster.local', 'maintenance.json'), 'utf8'));
  assert.deepEqual(rec.stopped, ['entrances', 'control-plane', 'nodes']);
  // during the window: users' entrance closed, kubelets down, containers unchanged
  assert.notEqual(world.fleet.exec('node1', 'curl -s -o /dev/null http://127.0.0.1:10248/healthz').rc, 0);
  assert.deepEqual(snapshot(), before);

  const t1 = Date.now();
  const start = await hubDrover(world.fleet, ['cluster', 'start', '-i', world.inventory, '--yes', '--reason', 'kernel update']);
  const startS = (Date.now() - t1) / 1000;
  assert.equal(start.code, 0, start.stdout.slice(-4000) + start.stderr);
  assert.match(start.stdout, /cluster start: every stage proven/);
  assert.deepEqual(snapshot(), before, 'every container keeps its ID, start time and pid');
  assert.deepEqual(runningPods(world), pods, 'same pods (uid, node), all Running');
  const ev = world.kubectl(['get', 'events', '-n', 'kube-system', '-o', 'json']);
  const reasons = (JSON.parse(ev.stdout).items as { reason: string; message: string }[]).filter((e) => /^Maintenance/.test(e.reason));
  assert.deepEqual(reasons.map((e) => e.reason), ['MaintenanceStop', 'MaintenanceStart']);
  assert.match(reasons[0]!.message, /kernel update/);

  const actions = unitActions(world.fleet, t0);
  assert.deepEqual(stageSequence(actions, 'stop'), ['entrances', 'control-plane', 'nodes']);
  assert.deepEqual(stageSequence(actions, 'start'), ['nodes', 'control-plane', 'entrances']);
  const lastStop = Math.max(...actions.filter((a) => a.action === 'stop').map((a) => a.at));
  assert.ok(actions.filter((a) => a.action === 'start').every((a) => a.at > lastStop), 'every start after every stop');
  assert.deepEqual(JSON.parse(readFileSync(join(world.dir, '.drover', 'cluster.local', 'maintenance.json'), 'utf8')).stopped, []);
  console.log(`# cluster stop 3+${NODES.length} (${PODS} pods): ${stopS.toFixed(1)} s; cluster start: ${startS.toFixed(1)} s`);
});

test('gate drill: a container killed during the window stops `cluster stop` at that gate naming the node; nothing further is touched', async () => {
  const t0 = Date.now();
  let killed = '';
  const stop = await hubDrover(world.fleet, ['cluster', 'stop', '-i', world.inventory, '--yes', '--reason', 'drill'], {
    onOutput: (text) => {
      if (killed || !text.includes('== stop entrances')) return;
      const [id, c] = [...containersOn(world.fleet, 'node2')][0]!;
      killed = id;
      world.fleet.exec('node2', `kill -9 ${c.pid}`);
    },
  });
  assert.ok(killed, 'a container was killed');
  assert.equal(stop.code, 2, stop.stdout.slice(-4000) + stop.stderr);
  assert.match(stop.stdout, new RegExp(`✗ node2: container \\S+ \\(${killed.slice(0, 12)}\\) (is not running|is gone|restarted)`));
  assert.match(stop.stdout, /stop entrances\s+FAILED/);
  assert.match(stop.stdout, /stop controller-manager \+ scheduler\s+-/);
  // the run touched nothing after the failed gate: controller-managers, schedulers and kubelets untouched
  assert.deepEqual(stageSequence(unitActions(world.fleet, t0), 'stop'), ['entrances']);
  for (const n of NODES) assert.equal(world.fleet.exec(n, 'curl -sf -o /dev/null http://127.0.0.1:10248/healthz').rc, 0, `${n}'s kubelet still runs`);

  const start = await hubDrover(world.fleet, ['cluster', 'start', '-i', world.inventory, '--yes', '--from', 'entrances']);
  assert.equal(start.code, 0, start.stdout.slice(-4000) + start.stderr);
});

test('gate drill: a kubelet started by hand outside its unit keeps 10250 open: `cluster stop --etcd` fails at the kubelet gate naming the node; etcd is not touched', async () => {
  // the real failure: `systemctl stop kubelet` ends the unit's process, but a kubelet someone ran
  // by hand (same command line, outside the unit, so systemd does not know it) keeps serving
  const pid = world.fleet.exec('node2', "pgrep -f '^node /usr/local/bin/kubelet( |$)'").stdout.trim();
  const cmdline = world.fleet.exec('node2', `tr '\\0' ' ' < /proc/${pid}/cmdline`).stdout.trim();
  assert.match(cmdline, /^node \/usr\/local\/bin\/kubelet --/);
  assert.equal(world.fleet.exec('node2', 'systemctl stop kubelet').rc, 0);
  world.fleet.exec('node2', `setsid sh -c 'exec ${cmdline}' </dev/null >/var/log/kubelet-by-hand.log 2>&1 &`);
  const t1 = Date.now();
  while (world.fleet.exec('node2', 'curl -sf -o /dev/null http://127.0.0.1:10248/healthz').rc !== 0) {
    assert.ok(Date.now() - t1 < 30_000, 'the hand-started kubelet serves within 30 s');
    await sleep(500);
  }
  const before = snapshot();
  const t0 = Date.now();
  const stop = await hubDrover(world.fleet, ['cluster', 'stop', '-i', world.inventory, '--etcd', '--yes', '--reason', 'kubelet drill']);
  assert.equal(stop.code, 2, stop.stdout.slice(-4000) + stop.stderr);
  assert.match(stop.stdout, /stop kubelets \+ kube-proxy\s+FAILED/);
  assert.match(stop.stdout, /✗ node2: \S+:10250 still accepts connections/);
  assert.match(stop.stdout, /✗ node2: kubelet process still running, 127\.0\.0\.1:10248 still open/);
  assert.doesNotMatch(stop.stdout, /✗ node1: /);
  assert.match(stop.stdout, /stop etcd\s+-/);
  // nothing after the failed gate: etcd was never stopped and still answers on every member
  const actions = unitActions(world.fleet, t0);
  assert.deepEqual(stageSequence(actions, 'stop'), ['entrances', 'control-plane', 'nodes']);
  assert.equal(actions.filter((a) => a.unit === 'etcd').length, 0);
  for (const h of ['cp1', 'cp2', 'cp3']) assert.equal(world.fleet.exec(h, "pgrep -f '^/usr/bin/etcd( |$)' >/dev/null").rc, 0, `${h}: etcd still runs`);
  assert.deepEqual(JSON.parse(readFileSync(join(world.dir, '.drover', 'cluster.local', 'maintenance.json'), 'utf8')).stopped, ['entrances', 'control-plane', 'nodes']);
  assert.deepEqual(snapshot(), before, 'every container unchanged');

  // the operator ends the stray kubelet; start (from the record) brings the cluster back
  world.fleet.exec('node2', "kill $(pgrep -f '^node /usr/local/bin/kubelet( |$)')");
  const start = await hubDrover(world.fleet, ['cluster', 'start', '-i', world.inventory, '--yes']);
  assert.equal(start.code, 0, start.stdout.slice(-4000) + start.stderr);
  assert.deepEqual(snapshot(), before, 'every container unchanged after start');
});
