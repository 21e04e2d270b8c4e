// Nodes backed by real test hosts: a playbook over ssh installs the stand-in kubelet as a unit
// on two fleet hosts; both register and go Ready; stopping one host's kubelet makes its node
// NotReady (lease expiry in the simulator's node controller), starting it again brings it back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { drover, ROOT } from '../../helpers/cli.js';

let fleet: Fleet;
let sim: K8sSim;
let dir: string;

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - file: { path: /etc/kubernetes, state: directory, mode: '0755' }
    - copy: { src: '{{ sim_ca }}', dest: /etc/kubernetes/ca.crt }
    - copy: { content: '{{ sim_token }}', dest: /etc/kubernetes/token, mode: '0600' }
    - copy: { src: '{{ agent_src }}', dest: /usr/local/lib/kubelet-agent.mjs }
    - copy:
        dest: /etc/systemd/system/kubelet.service
        content: |
          [Unit]
          Description=kubelet (Drover test agent)
          [Service]
          ExecStart={{ node_bin }} /usr/local/lib/kubelet-agent.mjs --server {{ sim_url }} --token-file /etc/kubernetes/token --ca /etc/kubernetes/ca.crt --node {{ inventory_hostname }} --interval 0.5
          [Install]
          WantedBy=multi-user.target
    - systemd: { name: kubelet, state: started, enabled: true, daemon_reload: true }
`;

before(async () => {
  fleet = await startFleet({ hosts: 2, name: 'kagent', subnet: 35 });
  sim = await startK8sSim({ name: 'kagent', nodeGraceSeconds: 3 });
  dir = mkdtempSync(join(tmpdir(), 'drover-kagent-'));
  writeFileSync(join(dir, 'kubelet.yml'), PLAYBOOK);
  writeFileSync(join(dir, 'vars.json'), JSON.stringify({ sim_ca: sim.caFile, sim_token: sim.token, sim_url: sim.url, agent_src: join(ROOT, 'test', 'k8s-sim', 'kubelet-agent.mjs'), node_bin: process.execPath }));
});

after(async () => {
  await sim?.stop();
  await fleet?.stop();
});

async function nodeStates(): Promise<Record<string, string>> {
  const r = await sim.kubectl(['get', 'nodes', '--no-headers']);
  assert.equal(r.rc, 0, r.stderr);
  return Object.fromEntries(r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(/\s+/).slice(0, 2) as [string, string]));
}

async function until(what: string, ok: (s: Record<string, string>) => boolean, ms = 20_000): Promise<Record<string, string>> {
  const deadline = Date.now() + ms;
  let last: Record<string, string> = {};
  while (Date.now() < deadline) {
    last = await nodeStates().catch(() => ({}));
    if (ok(last)) return last;
    await sleep(300);
  }
  assert.fail(`${what}: nodes are ${JSON.stringify(last)}`);
}

test('hosts running the kubelet agent register as Ready nodes; a stopped kubelet makes its node NotReady', async () => {
  const play = await drover(['play', join(dir, 'kubelet.yml'), '-i', fleet.inventoryYaml, '-e', `@${join(dir, 'vars.json')}`]);
  assert.equal(play.code, 0, play.stdout + play.stderr);
  assert.doesNotMatch(play.stdout, new RegExp(sim.token), 'the token file content is not printed');
  await until('both nodes Ready', (s) => s.host1 === 'Ready' && s.host2 === 'Ready');

  const stop = await drover(['run', 'host2', '-m', 'service', '-a', 'name=kubelet state=stopped', '-i', fleet.inventoryYaml]);
  assert.equal(stop.code, 0, stop.stdout + stop.stderr);
  const after = await until('host2 NotReady', (s) => s.host2 === 'NotReady');
  assert.equal(after.host1, 'Ready', 'the other node stays Ready');
  const node = (await sim.api('GET', '/api/v1/nodes/host2')).body;
  assert.equal(node.status.conditions.find((c: { type: string }) => c.type === 'Ready').status, 'Unknown');

  const start = await drover(['run', 'host2', '-m', 'service', '-a', 'name=kubelet state=started', '-i', fleet.inventoryYaml]);
  assert.equal(start.code, 0, start.stdout + start.stderr);
  await until('host2 Ready again', (s) => s.host2 === 'Ready');
});
