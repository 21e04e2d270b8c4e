// The fleet's own-network mode: each host has its own network namespace (eth0 on a bridge in a
// private hub namespace, 10.(100+S).0.x), its own loopback so every host can bind the same
// real ports, sshd on its own address, Drover reaching the hosts from the hub; and a teardown
// that leaves no process, mount, namespace or veth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processesIn, startFleet } from '../../fleet/fleet.js';
import { ROOT } from '../../helpers/cli.js';

const links = (): string => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).replace(/^\d+: /gm, '').split('\n').map((l) => l.split(':')[0]).sort().join(' ');

test('netns fleet: own addresses and loopback per host, reachable from the hub, nothing left after stop', async () => {
  const machineLinks = links();
  const fleet = await startFleet({ hosts: 3, name: 'netns', subnet: 42, network: 'netns', hostNames: ['cp1', 'cp2', 'node1'] });
  const { root } = fleet;
  const netNss = new Set([...fleet.hosts.map((h) => h.netNs), readFileSync(join(root, 'run', 'hub'), 'utf8').split(' ')[1]!.trim()]);
  const pidNss = new Set(fleet.hosts.map((h) => h.pidNs));
  try {
    assert.deepEqual(fleet.hosts.map((h) => [h.name, h.ip]), [['cp1', '10.142.0.11'], ['cp2', '10.142.0.12'], ['node1', '10.142.0.13']]);
    assert.equal(netNss.size, 4, 'three host namespaces and the hub, all distinct');
    assert.ok(!netNss.has(execFileSync('readlink', ['/proc/self/ns/net'], { encoding: 'utf8' }).trim()), "none is the machine's");
    assert.match(readFileSync(fleet.inventoryYaml, 'utf8'), /cp2: \{ansible_host: 10\.142\.0\.12\}/);
    for (const h of fleet.hosts) {
      const r = fleet.hubExec('ssh', ['-F', fleet.sshConfigPath, '-o', 'ConnectTimeout=5', h.ip, 'hostname; ss -Htln']);
      assert.equal(r.status, 0, r.stderr);
      const [name, ...listen] = r.stdout.trim().split('\n');
      assert.equal(name, h.name);
      assert.ok(listen.some((l) => l.includes(`${h.ip}:22 `)), `sshd listens on the host's own address: ${listen.join('|')}`);
    }
    // every host binds the same real ports: 127.0.0.1:6443 (its own loopback) and *:2379
    const serve = (port: number, bind: string): string => `mkdir -p /srv/p${port} && hostname > /srv/p${port}/name && cd /srv/p${port} && setsid python3 -m http.server ${port} --bind ${bind} >/dev/null 2>&1 < /dev/null &`;
    for (const h of fleet.hosts) assert.equal(fleet.exec(h.name, `${serve(6443, '127.0.0.1')} ${serve(2379, '0.0.0.0')}`).rc, 0);
    const get = (url: string): string => `for k in $(seq 50); do curl -sf --max-time 2 ${url} && exit 0; sleep 0.1; done; exit 1`;
    for (const h of fleet.hosts) assert.equal(fleet.exec(h.name, get('http://127.0.0.1:6443/name')).stdout.trim(), h.name);
    // host to host over the bridge, and hub to host
    assert.equal(fleet.exec('cp1', get('http://10.142.0.13:2379/name')).stdout.trim(), 'node1');
    assert.equal(fleet.hubExec('sh', ['-c', get('http://10.142.0.12:2379/name')]).stdout.trim(), 'cp2');
    // Drover itself runs in the hub against the 10.x inventory
    const d = fleet.hubExec(process.execPath, [join(ROOT, 'bin', 'run.js'), 'run', 'all', '-i', fleet.inventoryYaml, '-a', 'hostname'], { cwd: ROOT });
    assert.equal(d.status, 0, d.stderr + d.stdout);
    for (const n of ['cp1', 'cp2', 'node1']) assert.match(d.stdout, new RegExp(`\\b${n}\\b`));
    // a program left running in the hub is ended by stop()
    fleet.hubSpawn('sleep', ['300'], { stdio: 'ignore' }).unref();
    assert.equal(execFileSync('ip', ['-o', 'addr'], { encoding: 'utf8' }).includes('10.142.'), false, "the machine's network has none of the fleet's addresses");
  } finally {
    await fleet.stop();
  }
  assert.equal(existsSync(root), false);
  assert.deepEqual(processesIn(pidNss), [], 'no process in a host pid namespace');
  assert.deepEqual(processesIn(netNss, 'net'), [], 'no process in a fleet network namespace (so the namespaces are gone)');
  assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(root) || [...netNss].some((n) => l.includes(n))).length, 0, 'no mount, no pinned namespace');
  assert.equal(links(), machineLinks, 'no veth or bridge left in the machine network');
});
