// drover cluster upgrade killed with SIGKILL in the middle of a batch, then the same command:
// it resumes (finished stages re-proven, not redone), finishes the node it was on against the
// containers recorded before the kill, and ends where an uninterrupted run ends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hubDrover } from './cluster-harness.js';
import { containers, createPods, deployedWorld, installedVersions, NODES, nodeStates, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

let w: UpgradeWorld;

before(async () => {
  w = await deployedWorld(58, 'upgrade-resume', true);
  await createPods(w, 2);
});

after(async () => {
  await stopWorld(w);
});

test('kill -9 mid-batch, then the same command: it resumes and finishes with every container kept', async () => {
  const before = await containers(w);
  let killed = false;
  // no canary and one batch of both nodes: the kill lands in the batch
  const args = ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--canary', '0', '--batch', '2'];
  const cut = await hubDrover(w.fleet, args, {
    onOutput: (out, kill) => {
      // both nodes are labelled in progress and the play is swapping their binaries
      if (!killed && /== batch 1[\s\S]*TASK \[kubelet and kube-proxy units\]/.test(out)) {
        killed = true;
        kill();
      }
    },
  });
  assert.ok(killed, `the run ended before batch 1: ${cut.stdout.slice(-2000)}`);
  assert.equal(cut.code, 137);
  assert.deepEqual(Object.values(nodeStates(w)).map((s) => s[2]), ['in-progress', 'in-progress']);

  const t0 = Date.now();
  const again = await hubDrover(w.fleet, args);
  assert.equal(again.code, 0, again.stdout.slice(-4000) + again.stderr);
  for (const h of ['cp1', 'cp2', 'cp3']) assert.match(again.stdout, new RegExp(`== control plane ${h}: resumed`));
  assert.match(again.stdout, /== batch 1 \(in-place\): done/);
  for (const n of NODES) assert.match(again.stdout, new RegExp(`${n}\\s+node\\s+v1\\.5\\.8 -> v1\\.6\\.13\\s+in-place\\s+\\S+\\s+3\\s+0\\s+ok`));
  assert.deepEqual(await containers(w), before, 'every container kept across the kill');
  assert.deepEqual(nodeStates(w), Object.fromEntries(NODES.map((n) => [n, ['v1.6.13-jdos.1', 'True', 'done']])));
  assert.deepEqual(installedVersions(w), { cp1: 'Kubernetes v1.6.13', cp2: 'Kubernetes v1.6.13', cp3: 'Kubernetes v1.6.13', node1: 'Kubernetes v1.6.13-jdos.1', node2: 'Kubernetes v1.6.13-jdos.1' });
  console.log(`# resumed run after kill -9 in batch 1: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});
