// Ctrl-C / SIGTERM and the task `timeout` over ssh, against real sshd hosts: closing a channel
// does not stop a command (sshd keeps the child, and refuses channel signals without a pty),
// so Drover must kill the command's process group through a second channel. What is left on
// each host is read from inside the host (fleet.exec), not over the connection under test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { SshConnection } from '../../../src/connections/ssh.js';
import { drover, jsonEvents, jsonSummary } from '../../helpers/cli.js';
import { markedPidsScript, pidLines, startDrover, waitForPids, waitGone } from './cli-process.js';

let fleet: Fleet;
const dir = mkdtempSync(join(tmpdir(), 'intr-ssh-'));

before(async () => {
  fleet = await startFleet({ hosts: 2, name: 'intr-ssh', subnet: 23 });
});

after(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Marked processes on every host of the fleet, as `host:pid`. */
function marked(mark: string): string[] {
  return fleet.hosts.flatMap((h) => pidLines(fleet.exec(h.name, markedPidsScript(mark)).stdout).map((p) => `${h.name}:${p}`));
}

function playbook(name: string, body: string): string {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, body);
  return file;
}

function sleeper(mark: string, hostVars = ''): string {
  return playbook(
    mark,
    `- hosts: fleet
  gather_facts: false
  ${hostVars}
  tasks:
    - name: long command
      shell: "export INTR_MARK=${mark}; sleep 300 & sleep 301"
    - name: never reached
      command: "true"
`,
  );
}

test('SIGINT kills the remote process groups on every host, says what it waits for, exits 99 with hosts interrupted', async () => {
  const mark = `ssh-int-${process.pid}`;
  const run = startDrover(['play', '-i', fleet.inventoryIni, sleeper(mark)]);
  await waitForPids(() => marked(mark), 4, 'two sleeps on each host', () => run.stdout() + run.stderr());
  const signalled = Date.now();
  run.child.kill('SIGINT');
  const res = await run.done;
  assert.ok(Date.now() - signalled < 15_000, 'stopped within seconds');
  assert.deepEqual(await waitGone(() => marked(mark), 1000), [], 'no sleep is left on any host');
  assert.deepEqual(marked(mark), []);
  assert.equal(res.code, 99, res.stderr);
  assert.match(res.stderr, /SIGINT: waiting for 2 running commands on host1, host2 to stop/);
  assert.match(res.stdout, /interrupted: \[host1\]/);
  assert.match(res.stdout, /interrupted: \[host2\]/);
  assert.match(res.stdout, /interrupted while a task ran: host1, host2/);
  assert.match(res.stdout, /host1\s+: ok=0\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=0\s+interrupted=1/);
  assert.match(res.stdout, /host2\s+: ok=0\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=0\s+interrupted=1/);
});

test('SIGTERM with become: the root-owned group of a deploy login is killed through sudo, JSON reports interrupted', async () => {
  const mark = `ssh-term-${process.pid}`;
  const run = startDrover(['play', '--json', '-i', fleet.inventoryIni, '-e', 'ansible_user=deploy', '-e', 'ansible_become=true', sleeper(mark)]);
  await waitForPids(() => marked(mark), 4, 'two sleeps on each host', () => run.stdout() + run.stderr());
  const owners = fleet.exec('host1', `for p in $(${markedPidsScript(mark)}); do stat -c %U /proc/$p; done`).stdout.trim().split('\n');
  assert.deepEqual([...new Set(owners)], ['root'], 'the commands run as root, which deploy cannot kill without sudo');
  const signalled = Date.now();
  run.child.kill('SIGTERM');
  const res = await run.done;
  assert.ok(Date.now() - signalled < 15_000, 'stopped within seconds');
  assert.deepEqual(await waitGone(() => marked(mark), 1000), [], 'no sleep is left on any host');
  assert.equal(res.code, 99, res.stderr);
  assert.match(res.stderr, /SIGTERM: waiting for 2 running commands on host1, host2 to stop/);
  const results = jsonEvents(res.stdout).filter((e) => e.type === 'host_result');
  assert.deepEqual(results.map((e) => e.status), ['interrupted', 'interrupted']);
  const end = jsonSummary(res.stdout) as ReturnType<typeof jsonSummary> & { interruptedHosts: string[] };
  assert.deepEqual(end.interruptedHosts, ['host1', 'host2']);
  for (const h of ['host1', 'host2']) assert.deepEqual([end.stats[h]!.failed, end.stats[h]!.interrupted], [0, 1]);
});

test('task timeout over ssh: the remote group is killed (SIGKILL after an ignored SIGTERM) and the task fails with Ansible\'s message, as root and through sudo with and without a password', async () => {
  const mark = `ssh-timeout-${process.pid}`;
  const file = playbook(
    'timeout',
    `- hosts: host1
  gather_facts: false
  vars:
    t: 1
  tasks:
    - name: as root
      shell: "export INTR_MARK=${mark}; sleep 300 & sleep 301"
      timeout: "{{ t }}"
      ignore_errors: true
    - name: as deploy with become, ignoring SIGTERM
      shell: "export INTR_MARK=${mark}; trap '' TERM; sleep 300 & sleep 301"
      timeout: 1
      ignore_errors: true
      vars: {ansible_user: deploy, ansible_become: true}
    - name: as ops with a sudo password
      shell: "export INTR_MARK=${mark}; sleep 300 & sleep 301"
      timeout: 1
      ignore_errors: true
      vars: {ansible_user: ops, ansible_become: true, ansible_become_pass: ops-pass}
`,
  );
  const res = await drover(['play', '--json', '-i', fleet.inventoryIni, file]);
  assert.deepEqual(marked(mark), [], 'no command is left on the host');
  const results = jsonEvents(res.stdout).filter((e) => e.type === 'host_result');
  assert.deepEqual(results.map((e) => [e.status, e.result.msg]), [
    ['failed', 'The shell action failed to execute in the expected time frame (1) and was terminated'],
    ['failed', 'The shell action failed to execute in the expected time frame (1) and was terminated'],
    ['failed', 'The shell action failed to execute in the expected time frame (1) and was terminated'],
  ]);
  assert.equal(res.code, 0, res.stderr);
});

test('a second Ctrl-C quits at once; the kill already sent still ends the remote group after Drover exited', async () => {
  const mark = `ssh-twice-${process.pid}`;
  // the command ignores SIGTERM: only the kill script's SIGKILL, two seconds on, ends it
  const file = playbook(mark, `- hosts: host1\n  gather_facts: false\n  tasks:\n    - shell: "export INTR_MARK=${mark}; trap '' TERM; sleep 300 & sleep 301"\n`);
  const run = startDrover(['play', '-i', fleet.inventoryIni, file]);
  await waitForPids(() => marked(mark), 2, 'two sleeps on host1', () => run.stdout() + run.stderr());
  run.child.kill('SIGINT');
  for (let i = 0; i < 100 && !/waiting for/.test(run.stderr()); i++) await new Promise((r) => setTimeout(r, 20));
  // the kill script is on its way to the host
  await new Promise((r) => setTimeout(r, 500));
  const signalled = Date.now();
  run.child.kill('SIGINT');
  const res = await run.done;
  assert.ok(Date.now() - signalled < 15_000, 'stopped within seconds');
  assert.equal(res.code, 99);
  assert.match(res.stderr, /SIGINT again, quitting now/);
  assert.doesNotMatch(res.stdout, /PLAY RECAP/, 'quit before the recap');
  assert.deepEqual(await waitGone(() => marked(mark), 5000), [], 'the remote kill finished without Drover');
});

test('after Ctrl-C no new command starts: an exec with an aborted signal returns rc 130 and runs nothing', async () => {
  const h = fleet.hosts[0]!;
  const c = new SshConnection(h.name, { ansible_host: h.ip, ansible_user: 'root', ansible_ssh_private_key_file: fleet.keyPath, drover_ssh_known_hosts: fleet.knownHostsPath });
  try {
    const ac = new AbortController();
    ac.abort();
    assert.equal((await c.exec('touch /root/intr-started')).rc, 0, 'the connection works');
    fleet.exec(h.name, 'rm -f /root/intr-started');
    const r = await c.exec('touch /root/intr-started', { signal: ac.signal });
    assert.equal(r.rc, 130);
    assert.equal(fleet.exec(h.name, 'test -e /root/intr-started').rc, 1, 'the command never ran');
  } finally {
    await c.close();
  }
});
