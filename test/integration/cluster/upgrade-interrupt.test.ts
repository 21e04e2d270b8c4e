// Ctrl-C during `drover cluster upgrade` (in-place, patched kubelet, canary 1, batch 1):
// - one SIGINT while the canary's play swaps node1's binaries: node1 is still finished and
//   proven (labelled done), node2 is not started, exit 99, the report and the JSON
//   `upgrade_interrupted` event say where it stopped;
// - the same command, two SIGINTs in node2's play: it stops at once, exit 99, node2 stays
//   labelled in-progress and the report names it;
// - the same command again finishes green, every container kept since before the first run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEvents } from '../../helpers/cli.js';
import { hubDrover } from './cluster-harness.js';
import { containers, createPods, deployedWorld, NODES, nodeStates, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

let w: UpgradeWorld;

before(async () => {
  w = await deployedWorld(73, 'u2-upgrade-interrupt', true);
  await createPods(w, 2);
});

after(async () => {
  await stopWorld(w);
});

const JDOS = 'v1.6.13-jdos.1';

test('SIGINT in the node phase: the step in flight finishes, exit 99 with the report; twice: stops now, node in-progress; the same command finishes', async () => {
  const before = await containers(w);
  const args = ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--canary', '1', '--batch', '1'];

  // 1. one SIGINT while the canary's play runs
  let sent = false;
  const first = await hubDrover(w.fleet, [...args, '--json'], {
    onOutput: (out, kill) => {
      if (!sent && /"stage":"nodes:canary"[\s\S]*kubelet and kube-proxy binaries/.test(out)) {
        sent = true;
        kill('SIGINT');
      }
    },
  });
  assert.ok(sent, `the run ended before the canary: ${first.stdout.slice(-2000)}`);
  assert.equal(first.code, 99, first.stdout.slice(-3000) + first.stderr);
  assert.match(first.stderr, /SIGINT: stopping after the step in flight/);
  assert.match(first.stderr, /interrupted \(SIGINT\) after canary \(in-place\); not started: batch 1 \(in-place\)\. The journal \S+journal\.jsonl and the drover\.io\/upgrade node labels record it/);
  const events = jsonEvents(first.stdout);
  const stopped = events.find((e) => e.type === 'upgrade_interrupted')!;
  assert.deepEqual({ ...stopped, journal: undefined }, { type: 'upgrade_interrupted', signal: 'SIGINT', hard: false, after: 'nodes:canary', stopped_before: 'nodes:batch1', in_progress: [], journal: undefined });
  const report = events.find((e) => e.type === 'upgrade_report')!;
  assert.equal(report.status, 'interrupted');
  assert.deepEqual(report.hosts.filter((h: { role: string }) => h.role === 'node').map((h: { host: string; result: string }) => [h.host, h.result]), [['node1', 'ok'], ['node2', 'not-run']]);
  assert.ok(events.some((e) => e.type === 'upgrade_stage_end' && e.stage === 'nodes:canary' && e.status === 'done'), 'the canary finished and was proven');
  assert.deepEqual(nodeStates(w), { node1: [JDOS, 'True', 'done'], node2: ['v1.5.8', 'True', ''] }, 'node1 finished, node2 untouched');

  // 2. the same command; two SIGINTs in node2's play: it stops now
  let signals = 0;
  const second = await hubDrover(w.fleet, args, {
    onOutput: (out, kill) => {
      if (signals === 0 && /== batch 1[\s\S]*TASK \[kubelet and kube-proxy binaries\]/.test(out)) {
        signals = 2;
        kill('SIGINT');
        setTimeout(() => kill('SIGINT'), 200); // within the copy: the units task after it marks the restart on the rerun
      }
    },
  });
  assert.equal(signals, 2, `the run ended before batch 1: ${second.stdout.slice(-2000)}`);
  assert.equal(second.code, 99, second.stdout.slice(-3000) + second.stderr);
  assert.match(second.stderr, /SIGINT again: stopping now/);
  assert.match(second.stderr, /interrupted \(SIGINT\) after canary \(in-place\); cut off: batch 1 \(in-place\); left in progress: node2\./);
  assert.match(second.stdout, /node2\s+node\s+v1\.5\.8 -> v1\.6\.13\s+in-place\s+\S+\s+0\s+0\s+interrupted/);
  assert.equal(nodeStates(w).node2![2], 'in-progress');

  // 3. the same command finishes: every container kept since before the first run
  const third = await hubDrover(w.fleet, args);
  assert.equal(third.code, 0, third.stdout.slice(-4000) + third.stderr);
  assert.match(third.stdout, /== canary \(in-place\): resumed/);
  assert.match(third.stdout, /== batch 1 \(in-place\): done/);
  assert.deepEqual(nodeStates(w), Object.fromEntries(NODES.map((n) => [n, [JDOS, 'True', 'done']])));
  assert.deepEqual(await containers(w), before, 'every container kept across both interruptions');
});
