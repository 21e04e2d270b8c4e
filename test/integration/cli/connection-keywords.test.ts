// The port: keyword and connection variables set on a play, block or task, against real sshd
// hosts (host2 also listens on a second port) and checked against ansible-playbook on the same
// hosts: which port, user and TCP connection each task ran on. Ansible's order: the host's
// port/user vars beat the keywords, which beat the config file; a task whose connection
// settings differ gets a connection of its own, and the host's first one is used again after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { drover, jsonEvents } from '../../helpers/cli.js';
import { ansiblePlaybook, hasAnsible } from '../../helpers/ansible.js';

const ALT_PORT = 2222;
let fleet: Fleet;
let inv: string;
const dir = mkdtempSync(join(tmpdir(), 'drover-connkw-'));

// what each task prints: server port, login user, client port (one per TCP connection), host
const PROBE = `shell: echo $(echo $SSH_CONNECTION | cut -d' ' -f4) $(whoami) $(echo $SSH_CONNECTION | cut -d' ' -f2) $(hostname)`;

/** "task | host" -> the probe's stdout, from drover --json. */
function droverSeen(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of jsonEvents(stdout)) if (e.type === 'host_result' && e.status !== 'skipped') out[`${e.task} | ${e.host}`] = String(e.result?.stdout ?? e.result?.msg ?? '').trim();
  return out;
}

/** The same from ansible-playbook's json callback. */
function ansibleSeen(raw: string): Record<string, string> {
  const doc = JSON.parse(raw.slice(raw.indexOf('{')));
  const out: Record<string, string> = {};
  for (const p of doc.plays) for (const t of p.tasks) for (const [h, r] of Object.entries<any>(t.hosts)) if (!r.skipped) out[`${t.task.name} | ${h}`] = String(r.stdout ?? r.msg ?? '').trim();
  return out;
}

/** Drop the client port (third word) where only port, user and host matter. */
function withoutClientPort(seen: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.split(' ').filter((_, i) => i !== 2).join(' ')]));
}

/** Run the playbook under drover and, when installed, ansible-playbook; both must see the same. */
async function both(name: string, playbook: string, cwd = dir, env: Record<string, string> = {}, args: string[] = []): Promise<Record<string, string>> {
  const pb = join(dir, name);
  writeFileSync(pb, playbook);
  const res = await drover(['play', '-i', inv, pb, '--json', ...args], { cwd, env });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const seen = droverSeen(res.stdout);
  if (hasAnsible) {
    // the helper passes this process's environment on; it runs synchronously, so set and restore
    const saved = { ...process.env };
    Object.assign(process.env, env);
    let ref: ReturnType<typeof ansiblePlaybook>;
    try {
      ref = ansiblePlaybook(['-i', inv, pb, ...args], cwd);
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
      Object.assign(process.env, saved);
    }
    assert.equal(ref.code, 0, ref.raw);
    assert.deepEqual(withoutClientPort(seen), withoutClientPort(ansibleSeen(ref.raw)), 'drover and ansible-playbook differ');
  }
  return seen;
}

before(async () => {
  fleet = await startFleet({ hosts: 2, name: 'conn-kw', subnet: 29 });
  // host2 runs a second sshd on ALT_PORT (same host key); host1 has nothing there
  const r = fleet.exec(
    'host2',
    `sed 's/^Port 22$/Port ${ALT_PORT}/; s#^PidFile .*#PidFile /run/sshd-alt.pid#' /etc/ssh/sshd_config > /etc/ssh/sshd-alt_config && /usr/sbin/sshd -f /etc/ssh/sshd-alt_config`,
  );
  assert.equal(r.rc, 0, r.stderr);
  const known = readFileSync(fleet.knownHostsPath, 'utf8').trim().split('\n');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, [...known, ...known.map((l) => l.replace(/^(\S+)/, `[$1]:${ALT_PORT}`))].join('\n') + '\n');
  inv = join(dir, 'inventory.yml');
  writeFileSync(
    inv,
    `all:
  vars:
    ansible_user: root
    ansible_ssh_private_key_file: ${fleet.keyPath}
    ansible_ssh_common_args: '-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes'
    # Ansible's ssh masters end soon after: the session count on host2 is checked
    ansible_ssh_args: '-o ControlMaster=auto -o ControlPersist=1s'
    drover_ssh_known_hosts: ${knownHosts}
    drover_ssh_retries: 0
    ansible_python_interpreter: /usr/bin/python3
    alt_port: ${ALT_PORT}
  hosts:
    host1: {ansible_host: ${fleet.hosts[0]!.ip}, ansible_port: 22}
    host2: {ansible_host: ${fleet.hosts[1]!.ip}}
`,
  );
  // the second sshd must be up before the first test dials it
  for (let i = 0; i < 100 && fleet.exec('host2', 'test -s /run/sshd-alt.pid').rc !== 0; i++) await sleep(50);
});

after(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('port: on a play, block or task picks the ssh port (templated too); ansible_port and ansible_ssh_port beat it', async () => {
  const seen = withoutClientPort(
    await both(
      'port.yml',
      `- hosts: all
  gather_facts: false
  port: ${ALT_PORT}
  tasks:
    - name: play port
      ${PROBE}
    - name: task vars ansible_port
      ${PROBE}
      vars: {ansible_port: 22}
    - name: both port vars
      ${PROBE}
      vars: {ansible_port: 22, ansible_ssh_port: ${ALT_PORT}}
      when: inventory_hostname == 'host2'
    - block:
        - name: block port templated
          ${PROBE}
      port: "{{ alt_port - ${ALT_PORT} + 22 }}"
- hosts: host2
  gather_facts: false
  tasks:
    - name: no keyword
      ${PROBE}
    - name: task port templated
      ${PROBE}
      port: "{{ alt_port }}"
`,
    ),
  );
  assert.deepEqual(seen, {
    // host1's inventory ansible_port: 22 beats the play's port: (it has nothing on ALT_PORT)
    'play port | host1': '22 root host1',
    'play port | host2': `${ALT_PORT} root host2`,
    'task vars ansible_port | host1': '22 root host1',
    'task vars ansible_port | host2': '22 root host2',
    // as in Ansible, ansible_ssh_port beats ansible_port when both are set
    'both port vars | host2': `${ALT_PORT} root host2`,
    'block port templated | host1': '22 root host1',
    'block port templated | host2': '22 root host2',
    'no keyword | host2': '22 root host2',
    'task port templated | host2': `${ALT_PORT} root host2`,
  });
});

test('remote_port in ansible.cfg (or ANSIBLE_REMOTE_PORT) is the default port; a port: keyword beats it', async () => {
  const proj = mkdtempSync(join(dir, 'cfg-'));
  writeFileSync(join(proj, 'ansible.cfg'), `[defaults]\nremote_port = ${ALT_PORT}\n`);
  const playbook = `- hosts: host2
  gather_facts: false
  tasks:
    - name: config port
      ${PROBE}
    - name: keyword port
      ${PROBE}
      port: 22
`;
  const want = { 'config port | host2': `${ALT_PORT} root host2`, 'keyword port | host2': '22 root host2' };
  assert.deepEqual(withoutClientPort(await both('cfg-port.yml', playbook, proj, { HOME: dir })), want);
  assert.deepEqual(withoutClientPort(await both('env-port.yml', playbook, dir, { HOME: dir, ANSIBLE_REMOTE_PORT: String(ALT_PORT) })), want);
  // -e beats the keyword as it beats every variable
  const extra = await both('extra-port.yml', playbook, dir, { HOME: dir }, ['-e', `ansible_port=${ALT_PORT}`]);
  assert.deepEqual(withoutClientPort(extra), { 'config port | host2': `${ALT_PORT} root host2`, 'keyword port | host2': `${ALT_PORT} root host2` });
});

test('task and block vars ansible_user/ansible_port/ansible_host switch the connection for those tasks, then the first one is used again', async () => {
  const seen = await both(
    'conn-vars.yml',
    `- hosts: host2
  gather_facts: false
  tasks:
    - name: root
      ${PROBE}
    - name: deploy
      ${PROBE}
      vars: {ansible_user: deploy}
    - name: root again
      ${PROBE}
    - block:
        - name: deploy in block
          ${PROBE}
        - name: deploy on the other port
          ${PROBE}
          vars: {ansible_port: "{{ alt_port }}"}
      vars: {ansible_user: "{{ 'dep' ~ 'loy' }}"}
    - name: host1's address through a task var
      ${PROBE}
      vars: {ansible_host: ${fleet.hosts[0]!.ip}}
    - name: ansible_ssh_user and ansible_ssh_host beat ansible_user and ansible_host
      ${PROBE}
      vars: {ansible_user: deploy, ansible_ssh_user: ops, ansible_host: ${fleet.hosts[1]!.ip}, ansible_ssh_host: ${fleet.hosts[0]!.ip}}
    - name: root at the end
      ${PROBE}
    - name: become user from task vars
      command: whoami
      become: true
      vars: {ansible_become_user: ops}
`,
  );
  const words = (k: string): string[] => seen[`${k} | host2`]!.split(' ');
  assert.deepEqual(withoutClientPort(seen), {
    'root | host2': '22 root host2',
    'deploy | host2': '22 deploy host2',
    'root again | host2': '22 root host2',
    'deploy in block | host2': '22 deploy host2',
    'deploy on the other port | host2': `${ALT_PORT} deploy host2`,
    "host1's address through a task var | host2": '22 root host1',
    'ansible_ssh_user and ansible_ssh_host beat ansible_user and ansible_host | host2': '22 ops host1',
    'root at the end | host2': '22 root host2',
    'become user from task vars | host2': 'ops',
  });
  // one TCP connection per distinct setting, reused when the settings come back
  const clientPort = (k: string): string => words(k)[2]!;
  assert.equal(clientPort('root again'), clientPort('root'));
  assert.equal(clientPort('root at the end'), clientPort('root'));
  assert.equal(clientPort('deploy in block'), clientPort('deploy'));
  assert.notEqual(clientPort('deploy'), clientPort('root'));
  // every one of those connections is closed at the end: only the two listening sshds stay
  let sshds = '';
  for (let i = 0; i < 200; i++) {
    sshds = fleet.exec('host2', 'pgrep -c -x sshd').stdout.trim();
    if (sshds === '2') break;
    await sleep(50);
  }
  assert.equal(sshds, '2', 'sshd sessions left on host2 after the run');
});

test('delegate_to connects with the delegated host settings, task vars and port: keyword included', async () => {
  const seen = withoutClientPort(
    await both(
      'delegate.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - name: to host2 as the task's user
      ${PROBE}
      delegate_to: host2
      vars: {ansible_user: deploy}
      when: inventory_hostname == 'host1'
    - name: to host2 with the task's port
      ${PROBE}
      delegate_to: host2
      port: ${ALT_PORT}
      when: inventory_hostname == 'host1'
    - name: to host1 keeps its own ansible_port
      ${PROBE}
      delegate_to: host1
      port: ${ALT_PORT}
      when: inventory_hostname == 'host2'
`,
    ),
  );
  assert.deepEqual(seen, {
    "to host2 as the task's user | host1": '22 deploy host2',
    "to host2 with the task's port | host1": `${ALT_PORT} root host2`,
    'to host1 keeps its own ansible_port | host2': '22 root host1',
  });
});

test('a port: that is not a TCP port is refused at load (exit 5); a templated one fails its task', async () => {
  const bad = join(dir, 'bad-port.yml');
  writeFileSync(bad, '- hosts: host2\n  gather_facts: false\n  tasks:\n    - command: "true"\n      port: ssh\n');
  const load = await drover(['play', '-i', inv, bad]);
  assert.equal(load.code, 5, load.stdout + load.stderr);
  assert.match(load.stderr, /'port' must be a TCP port number \(1-65535\), got "ssh"/);
  const late = join(dir, 'late-port.yml');
  writeFileSync(late, '- hosts: host2\n  gather_facts: false\n  tasks:\n    - command: "true"\n      port: "{{ alt_port * 100 }}"\n');
  const run = await drover(['play', '-i', inv, late, '--json']);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const r = jsonEvents(run.stdout).find((e) => e.type === 'host_result');
  assert.match(String(r?.result.msg), /the field 'port' has an invalid value \(222200\)/);
});
