// The same playbooks deploy v1.6 directly (the upgrade's other end), and a deploy killed with
// SIGKILL half-way converges when run again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { jsonEvents, jsonSummary } from '../../helpers/cli.js';
import { buildRelease } from '../../kube-release/build.js';
import { hubDrover, hubKubectl, writeClusterInventory } from './cluster-harness.js';

const CP = ['cp1', 'cp2', 'cp3'];
let fleet: Fleet;
let dir: string;
let inv: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-v16-'));
  await buildRelease({ version: 'v1.6.13', outDir: join(dir, 'releases', 'v1.6.13') });
  fleet = await startFleet({ hosts: 4, subnet: 52, network: 'netns', hostNames: [...CP, 'node1'], name: 'cluster-v16' });
  inv = writeClusterInventory(fleet, dir, 'cluster', { controlPlane: CP, nodes: ['node1'], vars: { kube_version: 'v1.6.13', kube_release_dir: join(dir, 'releases'), apiserver_vip: '10.152.0.250' } });
});

after(async () => {
  await fleet?.stop();
});

test('a deploy killed with SIGKILL after etcd came up converges on the next run; v1.6 nodes run a 1.6 kubelet with its 1.6 flags', async () => {
  let killed = false;
  const cut = await hubDrover(fleet, ['cluster', 'deploy', '-i', inv], {
    onOutput: (out, kill) => {
      // etcd is up and the control plane is being written: the worst moment to die
      if (!killed && /TASK \[control-plane : Control-plane certificates and keys\]/.test(out)) {
        killed = true;
        kill();
      }
    },
  });
  assert.ok(killed, `the run ended before the control plane: ${cut.stdout.slice(-1500)}`);
  assert.equal(cut.code, 137);

  const again = await hubDrover(fleet, ['cluster', 'deploy', '-i', inv, '--json']);
  assert.equal(again.code, 0, again.stdout.slice(-3000) + again.stderr);
  const table = jsonEvents(again.stdout).find((e) => e.type === 'cluster_verification')!;
  assert.equal(table.ok, true, JSON.stringify(table.rows));
  const nodes = hubKubectl(fleet, join(dir, 'pki', 'cluster.local', 'admin.conf'), ['get', 'nodes', '--no-headers'], join(dir, 'kcache'));
  assert.match(nodes.stdout, /^node1\s+Ready\s+\S+\s+\S+\s+v1\.6\.13\s*$/m);
  // the unit carries 1.6's own flags (the 1.5 table would refuse them)
  const unit = fleet.exec('node1', 'cat /etc/systemd/system/kubelet.service').stdout;
  assert.match(unit, /--cgroups-per-qos=true/);
  assert.doesNotMatch(unit, /--experimental-cgroups-per-qos/);

  const third = await hubDrover(fleet, ['cluster', 'deploy', '-i', inv, '--json']);
  assert.equal(third.code, 0, third.stderr);
  for (const [h, s] of Object.entries(jsonSummary(third.stdout).stats)) assert.equal(s.changed, 0, `${h} changed on the third run`);
});
