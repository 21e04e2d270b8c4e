// Playbooks over real ssh against the test fleet: idempotency, check mode, rolling batches,
// unreachable hosts, host key refusal, jump hosts and become.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { BIN, drover, jsonEvents, jsonSummary, ROOT } from '../../helpers/cli.js';

let fleet: Fleet;
const OPS = join(ROOT, 'test', 'bench', 'ops-playbook.yml');

before(async () => {
  fleet = await startFleet({ hosts: 20, name: 'itest', subnet: 33 });
});

after(async () => {
  await fleet?.stop();
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'drover-fleet-test-'));
}

test('a realistic ops playbook over ssh: changes, then changed=0 the second time', async () => {
  const limit = ['-l', 'host1:host2:host3:host4:host5'];
  const first = await drover(['play', OPS, '-i', fleet.inventoryYaml, ...limit, '--json']);
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-2000));
  const s1 = jsonSummary(first.stdout);
  assert.equal(Object.keys(s1.stats).length, 5);
  for (const st of Object.values(s1.stats)) assert.ok(st.changed > 0);
  // the change really happened on each host, and only there
  assert.equal(fleet.exec('host3', 'cat /opt/bench-app/app.conf').stdout, 'host=host3\nport=8080\n');
  assert.notEqual(fleet.exec('host9', 'test -e /opt/bench-app && echo yes || echo no').stdout.trim(), 'yes');
  const second = await drover(['play', OPS, '-i', fleet.inventoryYaml, ...limit, '--json']);
  for (const [h, st] of Object.entries(jsonSummary(second.stdout).stats)) assert.equal(st.changed, 0, `changed=0 on ${h}`);
});

test('--check leaves every host untouched', async () => {
  const res = await drover(['play', OPS, '-i', fleet.inventoryYaml, '-l', 'host6:host7', '--check', '--json']);
  const s = jsonSummary(res.stdout);
  assert.ok(s.stats.host6!.changed > 0, 'check mode predicts changes');
  for (const h of ['host6', 'host7']) assert.equal(fleet.exec(h, 'test -e /opt/bench-app; echo $?').stdout.trim(), '1', `${h} untouched`);
});

test('serial batches with max_fail_percentage stop the rollout on 20 hosts', async () => {
  const dir = tmp();
  const pb = join(dir, 'rolling.yml');
  writeFileSync(pb, `- hosts: fleet
  gather_facts: false
  serial: [1, 5]
  max_fail_percentage: 20
  tasks:
    - name: upgrade marker
      copy: {content: "upgraded\\n", dest: /root/upgraded}
    - name: hosts 7 and 8 break
      command: "false"
      when: inventory_hostname in ['host7', 'host8']
`);
  const res = await drover(['play', pb, '-i', fleet.inventoryYaml, '--json']);
  assert.equal(res.code, 2);
  const s = jsonSummary(res.stdout);
  // batches: [host1] [host2..6] [host7..11] -> 2 of 5 failed (40% > 20%): the rollout stops there
  assert.deepEqual(Object.keys(s.stats).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))), Array.from({ length: 11 }, (_, i) => `host${i + 1}`));
  assert.equal(fleet.exec('host11', 'cat /root/upgraded').stdout, 'upgraded\n');
  assert.equal(fleet.exec('host12', 'test -e /root/upgraded; echo $?').stdout.trim(), '1', 'later batches never started');
  assert.equal(s.stats.host7!.failed, 1);
});

test('a host whose sshd dies mid-run ends unreachable while the others finish', async () => {
  const dir = tmp();
  const pb = join(dir, 'slow.yml');
  writeFileSync(pb, `- hosts: host13:host14:host15
  gather_facts: false
  tasks:
    - name: step one
      shell: sleep 1; echo one > /root/one
    - name: step two
      shell: echo two > /root/two
`);
  const child = spawn(process.execPath, [BIN, 'play', pb, '-i', fleet.inventoryYaml, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  await new Promise((r) => setTimeout(r, 600));
  fleet.killSshd('host14');
  const code = await closed;
  assert.match(out, /"type":"playbook_end"/, `the run ended with its recap (exit ${code}); stderr: ${err}`);
  const s = jsonSummary(out);
  assert.equal(code, 4, 'exit 4: unreachable, none failed');
  assert.equal(s.stats.host14!.unreachable, 1);
  assert.equal(s.stats.host14!.failed, 0);
  for (const h of ['host13', 'host15']) {
    assert.equal(s.stats[h]!.ok, 2);
    assert.equal(fleet.exec(h, 'cat /root/two').stdout, 'two\n');
  }
});

test('a wrong host key is refused with a clear error, accept-new records an unknown one', async () => {
  const dir = tmp();
  const known = join(dir, 'known_hosts');
  const otherKey = readFileSync(fleet.knownHostsPath, 'utf8').split('\n').find((l) => l.startsWith(`${fleet.hosts[1]!.ip} `))!.split(' ').slice(1).join(' ');
  writeFileSync(known, `${fleet.hosts[0]!.ip} ${otherKey}\n`);
  const inv = join(dir, 'inv.yml');
  writeFileSync(inv, `all:\n  hosts:\n    host1: {ansible_host: ${fleet.hosts[0]!.ip}, ansible_user: root, ansible_ssh_private_key_file: ${fleet.keyPath}, drover_ssh_known_hosts: ${known}}\n`);
  const res = await drover(['run', 'host1', '-i', inv, '-a', 'true', '--json']);
  assert.equal(res.code, 4);
  const ev = jsonEvents(res.stdout).find((e) => e.type === 'host_result');
  assert.equal(ev?.status, 'unreachable');
  assert.match(ev!.result.msg, new RegExp(`host key for ${fleet.hosts[0]!.ip.replace(/\./g, '\\.')} has changed \\(offered SHA256:[A-Za-z0-9+/]+`));
  assert.match(ev!.result.msg, /known_hosts:1/);

  const fresh = join(dir, 'fresh_known_hosts');
  writeFileSync(inv, `all:\n  hosts:\n    host1: {ansible_host: ${fleet.hosts[0]!.ip}, ansible_user: root, ansible_ssh_private_key_file: ${fleet.keyPath}, drover_ssh_known_hosts: ${fresh}, drover_ssh_host_key_policy: accept-new}\n`);
  const ok = await drover(['run', 'host1', '-i', inv, '-a', 'true']);
  assert.equal(ok.code, 0, ok.stdout);
  assert.ok(readFileSync(fresh, 'utf8').startsWith(`${fleet.hosts[0]!.ip} ssh-ed25519 `));
});

test('through two jump hosts, and become with sudo (without and with a password)', async () => {
  const dir = tmp();
  const inv = join(dir, 'inv.yml');
  const h = (i: number): string => fleet.hosts[i - 1]!.ip;
  writeFileSync(
    inv,
    `all:
  vars: {ansible_ssh_private_key_file: ${fleet.keyPath}, drover_ssh_known_hosts: ${fleet.knownHostsPath}}
  hosts:
    jumped: {ansible_host: ${h(18)}, ansible_user: root, drover_ssh_jump: "root@${h(16)},root@${h(17)}"}
    as_deploy: {ansible_host: ${h(19)}, ansible_user: deploy}
    as_ops: {ansible_host: ${h(20)}, ansible_user: ops, ansible_become_pass: ops-pass}
`,
  );
  const pb = join(dir, 'pb.yml');
  writeFileSync(pb, `- hosts: all
  gather_facts: false
  tasks:
    - command: hostname
      register: hn
    - name: whoami with become
      command: id -un
      become: "{{ inventory_hostname != 'jumped' }}"
      register: who
    - name: root-owned file written with become
      copy: {content: "x\\n", dest: /root/become-test, mode: "0600"}
      become: true
      when: inventory_hostname != 'jumped'
    - set_fact: {seen: "{{ hn.stdout }} {{ who.stdout }}"}
`);
  const res = await drover(['play', pb, '-i', inv, '--json']);
  assert.equal(res.code, 0, res.stdout.slice(-3000));
  const facts = jsonEvents(res.stdout).filter((e) => e.type === 'host_result' && e.action === 'set_fact');
  const seen = Object.fromEntries(facts.map((e) => [e.host, e.result.ansible_facts.seen]));
  assert.deepEqual(seen, { jumped: 'host18 root', as_deploy: 'host19 root', as_ops: 'host20 root' });
  assert.equal(fleet.exec('host20', 'stat -c %U:%a /root/become-test').stdout.trim(), 'root:600');
  // the password never reaches the output
  assert.doesNotMatch(res.stdout, /ops-pass/);
});
