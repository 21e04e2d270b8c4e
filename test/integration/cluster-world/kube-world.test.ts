// `npm run kube-world -- up|down`: seven netns hosts named for a small HA cluster, the stand-in
// releases built, a kubespray-style inventory Drover reads from the hub, and a `down` that
// leaves no process, mount, namespace or veth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFleet, processesIn } from '../../fleet/fleet.js';
import { ROOT } from '../../helpers/cli.js';

const links = (): string => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).replace(/^\d+: /gm, '').split('\n').map((l) => l.split(':')[0]).sort().join(' ');

function world(root: string, ...args: string[]): { rc: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fleet/kube-world.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DROVER_KUBE_WORLD_ROOT: root } });
  return { rc: r.status ?? 1, out: r.stdout, err: r.stderr };
}

test('kube-world up: cp1..cp3 + node1..node4, releases, kubespray inventory; down leaves nothing', () => {
  const root = `/tmp/drover-kube-world-test-${process.pid}`;
  const machineLinks = links();
  const up = world(root, 'up', '--subnet', '42');
  assert.equal(up.rc, 0, up.err);
  const fleet = makeFleet(root);
  const pidNss = new Set(fleet.hosts.map((h) => h.pidNs));
  const netNss = new Set([...fleet.hosts.map((h) => h.netNs), readFileSync(join(root, 'run', 'hub'), 'utf8').split(' ')[1]!.trim()]);
  try {
    assert.deepEqual(fleet.hosts.map((h) => `${h.name}=${h.ip}`), ['cp1', 'cp2', 'cp3', 'node1', 'node2', 'node3', 'node4'].map((n, k) => `${n}=10.142.0.${11 + k}`));
    const inv = join(root, 'kubespray-inventory.ini');
    assert.ok(up.out.includes('apiserver_vip=10.142.0.250'), 'the inventory is printed');
    assert.ok(up.out.includes(`nsenter --net=${fleet.hubNetnsPath}`), 'and how to enter the hub');
    const drover = (...a: string[]): string => {
      const r = fleet.hubExec(process.execPath, [join(ROOT, 'bin', 'run.js'), ...a, '-i', inv], { cwd: ROOT });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      return r.stdout;
    };
    const members = (g: string): string[] => drover('inventory', 'list', g).trim().split('\n').map((l) => l.trim()).filter((l) => /^(cp|node)\d$/.test(l));
    assert.deepEqual(members('etcd'), ['cp1', 'cp2', 'cp3']);
    assert.deepEqual(members('kube_control_plane'), ['cp1', 'cp2', 'cp3']);
    assert.deepEqual(members('kube_node'), ['node1', 'node2', 'node3', 'node4']);
    assert.equal(members('k8s_cluster').length, 7);
    // every host answers over ssh from the hub, under its own name
    const ran = drover('run', 'k8s_cluster', '-a', 'hostname');
    for (const n of ['cp1', 'cp3', 'node1', 'node4']) assert.match(ran, new RegExp(`^${n}\\s+: ok=1 .*unreachable=0 +failed=0`, 'm'));
    // the release bundles the inventory names are real executables of their version
    const bin = (dir: string, name: string): string => execFileSync(join(root, 'release', dir, name), ['--version'], { encoding: 'utf8' }).trim();
    assert.equal(bin('v1.5.8', 'kube-apiserver'), 'Kubernetes v1.5.8');
    assert.equal(bin('v1.6.13', 'kubelet'), 'Kubernetes v1.6.13');
    assert.match(execFileSync(join(root, 'release-patched', 'v1.6.13', 'kubelet'), ['--version'], { encoding: 'utf8' }).trim(), /^Kubernetes v1\.6\.13\S+$/);
    // the layout `drover cluster deploy` reads: kube_release_dir/<kube_version>/<binary>
    assert.match(readFileSync(inv, 'utf8'), new RegExp(`^kube_release_dir=${root}/release$`, 'm'));
    assert.match(readFileSync(inv, 'utf8'), new RegExp(`^kube_release_dir_patched=${root}/release-patched$`, 'm'));
  } finally {
    const down = world(root, 'down');
    assert.equal(down.rc, 0, down.err);
  }
  assert.equal(existsSync(root), false);
  assert.deepEqual(processesIn(pidNss), []);
  assert.deepEqual(processesIn(netNss, 'net'), []);
  assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(root) || [...netNss].some((n) => l.includes(n))).length, 0);
  assert.equal(links(), machineLinks);
});
