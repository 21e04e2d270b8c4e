// Ansible's connection and become flags against real sshd hosts: -u, --private-key, -b,
// --become-user, --become-method, -K (from stdin, masked), -T; each with Ansible's
// precedence: the flag is under every variable (inventory ansible_user beats -u), -e wins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { drover, jsonEvents } from '../../helpers/cli.js';

let fleet: Fleet;
const dir = mkdtempSync(join(tmpdir(), 'drover-connflags-'));

/** An inventory of the fleet with only address and known_hosts (no user, no key) plus per-host extras. */
function inventory(name: string, extra: Record<string, Record<string, unknown>> = {}, groupVars: Record<string, unknown> = {}): string {
  const hosts = fleet.hosts.map((h) => `    ${h.name}: ${JSON.stringify({ ansible_host: h.ip, drover_ssh_known_hosts: fleet.knownHostsPath, drover_ssh_retries: 0, ...extra[h.name] })}`);
  const p = join(dir, name);
  writeFileSync(p, `all:\n  vars: ${JSON.stringify(groupVars)}\n  hosts:\n${hosts.join('\n')}\n`);
  return p;
}

/** host -> the command's stdout (trimmed), from a --json run. */
function outputs(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of jsonEvents(stdout)) if (e.type === 'host_result') out[e.host] = String(e.result?.stdout ?? e.result?.msg ?? '').trim();
  return out;
}

before(async () => {
  fleet = await startFleet({ hosts: 2, name: 'connflags', subnet: 26 });
});

after(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('-u sets the login user; inventory ansible_user beats it, -e beats both', async () => {
  const inv = inventory('users.yml', { host1: { ansible_user: 'root' } }, { ansible_ssh_private_key_file: fleet.keyPath });
  const res = await drover(['run', '-i', inv, '-u', 'deploy', 'all', '-a', 'whoami', '--json']);
  assert.equal(res.code, 0, res.stderr + res.stdout);
  assert.deepEqual(outputs(res.stdout), { host1: 'root', host2: 'deploy' });
  const e = await drover(['run', '-i', inv, '-u', 'deploy', '-e', 'ansible_user=ops', 'all', '-a', 'whoami', '--json']);
  assert.deepEqual(outputs(e.stdout), { host1: 'ops', host2: 'ops' });
});

test('--private-key logs in with that key; an inventory key file beats it', async () => {
  const inv = inventory('keys.yml', { host1: { ansible_ssh_private_key_file: fleet.keyPath } }, { ansible_user: 'root' });
  const without = await drover(['run', '-i', inv, 'host2', '-a', 'whoami', '--json'], { env: { SSH_AUTH_SOCK: '' } });
  assert.equal(without.code, 4, 'no key: unreachable');
  const withKey = await drover(['run', '-i', inv, '--private-key', fleet.keyPath, 'all', '-a', 'whoami', '--json'], { env: { SSH_AUTH_SOCK: '' } });
  assert.equal(withKey.code, 0, withKey.stdout);
  // a key no host accepts: host1 still logs in with its inventory key, host2 cannot
  const stranger = join(dir, 'stranger');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
  const wrong = await drover(['run', '-i', inv, '--private-key', stranger, 'all', '-a', 'whoami', '--json'], { env: { SSH_AUTH_SOCK: '' } });
  assert.equal(wrong.code, 4);
  const reached = Object.fromEntries(jsonEvents(wrong.stdout).filter((x) => x.type === 'host_result').map((x) => [x.host, x.status !== 'unreachable']));
  assert.deepEqual(reached, { host1: true, host2: false });
});

test('-b, --become-user and --become-method; keywords and inventory vars beat them', async () => {
  const inv = inventory('become.yml', { host2: { ansible_become_user: 'ops' } }, { ansible_user: 'deploy', ansible_ssh_private_key_file: fleet.keyPath });
  const b = await drover(['run', '-i', inv, '-b', 'all', '-a', 'whoami', '--json']);
  assert.equal(b.code, 0, b.stdout);
  assert.deepEqual(outputs(b.stdout), { host1: 'root', host2: 'ops' });
  const user = await drover(['run', '-i', inv, '-b', '--become-user', 'ops', 'host1', '-a', 'whoami', '--json']);
  assert.deepEqual(outputs(user.stdout), { host1: 'ops' });
  // su as root needs no password; only sudo sets SUDO_USER
  const rootInv = inventory('become-root.yml', {}, { ansible_user: 'root', ansible_ssh_private_key_file: fleet.keyPath });
  const su = await drover(['run', '-i', rootInv, '-b', '--become-method', 'su', '--become-user', 'deploy', 'host1', '-m', 'shell', '-a', 'echo $(whoami) ${SUDO_USER:-no-sudo}', '--json']);
  assert.deepEqual(outputs(su.stdout), { host1: 'deploy no-sudo' });
  const sudo = await drover(['run', '-i', rootInv, '-b', '--become-user', 'deploy', 'host1', '-m', 'shell', '-a', 'echo $(whoami) ${SUDO_USER:-no-sudo}', '--json']);
  assert.deepEqual(outputs(sudo.stdout), { host1: 'deploy root' });
  const bad = await drover(['run', '-i', rootInv, '-b', '--become-method', 'doas', 'host1', '-a', 'true']);
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /become method 'doas' is not supported/);
  // a task's become: false keyword beats -b
  const pb = join(dir, 'keyword.yml');
  writeFileSync(pb, '- hosts: host1\n  gather_facts: false\n  tasks:\n    - command: whoami\n      become: false\n    - command: whoami\n');
  const play = await drover(['play', '-i', inv, '-b', pb, '--json']);
  assert.equal(play.code, 0, play.stdout);
  assert.deepEqual(jsonEvents(play.stdout).filter((x) => x.type === 'host_result').map((x) => x.result.stdout), ['deploy', 'root']);
});

test('-K reads the become password from stdin and masks it in every output', async () => {
  const inv = inventory('ops.yml', {}, { ansible_user: 'ops', ansible_ssh_private_key_file: fleet.keyPath });
  const noPass = await drover(['run', '-i', inv, '-b', 'host1', '-a', 'whoami', '--json']);
  assert.equal(noPass.code, 2, 'ops needs a sudo password');
  for (const mode of [['--json'], []]) {
    const res = await drover(['run', '-i', inv, '-b', '-K', 'host1', '-m', 'shell', '-a', 'whoami; echo typed ops-pass', ...mode], { input: 'ops-pass\n' });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /root/);
    assert.match(res.stdout, /typed \*+/);
    assert.doesNotMatch(res.stdout + res.stderr, /ops-pass/);
  }
  const none = await drover(['run', '-i', inv, '-b', '-K', 'host1', '-a', 'whoami'], { input: '' });
  assert.equal(none.code, 5);
  assert.match(none.stderr, /stdin ended before the -K password was read/);
});

test('-k reads the ssh password from stdin (password login), -K defaults to it', async () => {
  // one host accepts passwords; the inventory names no key, and no agent offers one
  fleet.exec('host2', "sed -i 's/^PasswordAuthentication no/PasswordAuthentication yes/' /etc/ssh/sshd_config && kill -HUP $(cat /run/sshd.pid)");
  const inv = inventory('password.yml', {}, { ansible_user: 'ops' });
  const env = { SSH_AUTH_SOCK: '', HOME: dir };
  const denied = await drover(['run', '-i', inv, 'host2', '-a', 'whoami', '--json'], { env });
  assert.equal(denied.code, 4);
  const res = await drover(['run', '-i', inv, '-k', '-K', '-b', 'host2', '-m', 'shell', '-a', 'echo $(whoami) ops-pass', '--json'], { env, input: 'ops-pass\n\n' });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.deepEqual(outputs(res.stdout), { host2: 'root ********' });
  assert.doesNotMatch(res.stdout + res.stderr, /ops-pass/);
});

test('-T/--timeout is the ssh connect timeout; the inventory timeout beats it', async () => {
  // accepts TCP and never speaks SSH: only the connect timeout ends the attempt
  const sockets: import('node:net').Socket[] = [];
  const server: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.26.0.250', r));
  const port = (server.address() as { port: number }).port;
  try {
    const p = join(dir, 'silent.yml');
    writeFileSync(p, `all:\n  hosts:\n    silent: {ansible_host: 127.26.0.250, ansible_port: ${port}, ansible_user: root, drover_ssh_retries: 0}\n    quick: {ansible_host: 127.26.0.250, ansible_port: ${port}, ansible_user: root, drover_ssh_retries: 0, ansible_timeout: 1}\n`);
    // the default is 10 s: -T 1 must end the attempt well before that
    let t = Date.now();
    const flag = await drover(['run', '-i', p, '-T', '1', 'silent', '-a', 'true']);
    let took = Date.now() - t;
    assert.equal(flag.code, 4, flag.stdout + flag.stderr);
    assert.ok(took < 8000, `-T 1 took ${took} ms`);
    // the inventory's 1 s beats -T 30
    t = Date.now();
    const inv = await drover(['run', '-i', p, '-T', '30', 'quick', '-a', 'true']);
    took = Date.now() - t;
    assert.equal(inv.code, 4);
    assert.ok(took < 8000, `ansible_timeout: 1 must beat -T 30, took ${took} ms`);
    // ansible.cfg's timeout, when no flag gives one
    const proj = mkdtempSync(join(dir, 'timeout-'));
    writeFileSync(join(proj, 'ansible.cfg'), '[defaults]\ntimeout = 1\n');
    t = Date.now();
    const cfg = await drover(['run', '-i', p, 'silent', '-a', 'true'], { cwd: proj, env: { HOME: dir } });
    took = Date.now() - t;
    assert.equal(cfg.code, 4);
    assert.ok(took < 8000, `timeout = 1 in ansible.cfg took ${took} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});

test('ansible.cfg and drover.yml: inventory, remote_user, private_key_file, host_key_checking, become*; env and flags beat them', async () => {
  const proj = mkdtempSync(join(dir, 'proj-'));
  // no known_hosts, no user, no key: everything comes from the config file
  const hosts = fleet.hosts.map((h) => `    ${h.name}: {ansible_host: ${h.ip}, drover_ssh_retries: 0}`).join('\n');
  writeFileSync(join(proj, 'inv.yml'), `all:\n  hosts:\n${hosts}\n`);
  const cfg = (extra = ''): string => `# Ansible's file: keys Drover does not read are ignored
[defaults]
inventory = inv.yml
remote_user = deploy
private_key_file = ${fleet.keyPath}
timeout = 5
callbacks_enabled = timer ; not a Drover key
${extra}
[privilege_escalation]
become = True
become_user = ops
`;
  writeFileSync(join(proj, 'ansible.cfg'), cfg('host_key_checking = False'));
  const env = { HOME: dir, SSH_AUTH_SOCK: '' };
  const who = ['run', 'all', '-m', 'shell', '-a', 'echo $(whoami) ${SUDO_USER:-none}', '--json'];
  const base = await drover(who, { cwd: proj, env });
  assert.equal(base.code, 0, base.stdout + base.stderr);
  assert.deepEqual(outputs(base.stdout), { host1: 'ops deploy', host2: 'ops deploy' });
  // environment beats the file; flags beat both
  const fromEnv = await drover(who, { cwd: proj, env: { ...env, ANSIBLE_BECOME_USER: 'root' } });
  assert.deepEqual(outputs(fromEnv.stdout), { host1: 'root deploy', host2: 'root deploy' });
  const fromFlags = await drover([...who, '-u', 'root', '--become-user', 'deploy', '-l', 'host1'], { cwd: proj, env: { ...env, ANSIBLE_BECOME_USER: 'root' } });
  assert.deepEqual(outputs(fromFlags.stdout), { host1: 'deploy root' });
  // host_key_checking = False is what let the unknown host keys in
  writeFileSync(join(proj, 'ansible.cfg'), cfg());
  const strict = await drover(who, { cwd: proj, env });
  assert.equal(strict.code, 4, strict.stdout);
  // ANSIBLE_CONFIG names the file to read instead of ./ansible.cfg
  const elsewhere = join(dir, 'elsewhere.cfg');
  writeFileSync(elsewhere, cfg('host_key_checking = False').replace('inventory = inv.yml', `inventory = ${join(proj, 'inv.yml')}`));
  const named = await drover(who, { cwd: proj, env: { ...env, ANSIBLE_CONFIG: elsewhere } });
  assert.deepEqual(outputs(named.stdout), { host1: 'ops deploy', host2: 'ops deploy' });
  // drover.yml wins over ansible.cfg
  writeFileSync(join(proj, 'drover.yml'), `inventory: inv.yml\nremote_user: root\nprivate_key_file: ${fleet.keyPath}\nhost_key_checking: false\nbecome: true\nbecome_user: deploy\nbecome_method: su\n`);
  const own = await drover(who, { cwd: proj, env });
  assert.equal(own.code, 0, own.stdout + own.stderr);
  assert.deepEqual(outputs(own.stdout), { host1: 'deploy none', host2: 'deploy none' });
});

test('a play or task remote_user beats -u and loses to inventory ansible_user; each user gets its own connection', async () => {
  const inv = inventory('remote-user-inv.yml', { host2: { ansible_user: 'root' } }, { ansible_ssh_private_key_file: fleet.keyPath });
  const pb = join(dir, 'remote-user.yml');
  writeFileSync(
    pb,
    `- hosts: all
  remote_user: deploy
  gather_facts: true
  tasks:
    - name: facts were gathered as
      debug: {msg: "{{ ansible_user_id }}"}
    - name: play user
      command: whoami
    - name: task user
      command: whoami
      remote_user: ops
- hosts: host1
  gather_facts: false
  tasks:
    - name: -u user
      command: whoami
`,
  );
  const res = await drover(['play', '-i', inv, '-u', 'root', pb, '--json']);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const seen = jsonEvents(res.stdout)
    .filter((e) => e.type === 'host_result' && e.task !== 'Gathering Facts')
    .map((e) => `${e.host} ${e.task}: ${String(e.result.stdout ?? e.result.msg).trim()}`)
    .sort();
  assert.deepEqual(seen, [
    'host1 -u user: root',
    'host1 facts were gathered as: deploy',
    'host1 play user: deploy',
    'host1 task user: ops',
    'host2 facts were gathered as: root',
    'host2 play user: root',
    'host2 task user: root',
  ]);
});
