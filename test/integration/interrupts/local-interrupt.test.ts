// Ctrl-C / SIGTERM and the task `timeout` on the local connection, through the real CLI:
// the whole process group of a command ends (a background `sleep` too), the run exits 99 with
// the recap, the interrupted host is reported as interrupted (not failed) in the plain and
// JSON output, and stderr says what the run waits for. Leftovers are found by a /proc scan.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { drover, jsonEvents, jsonSummary } from '../../helpers/cli.js';
import { LocalConnection } from '../../../src/connections/local.js';
import { localMarked, startDrover, waitForPids, waitGone } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'intr-local-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
/** A playbook whose one task starts two marked sleeps, one in the background. */
function sleeper(mark: string, extra = ''): string {
  const file = join(dir, `play-${++seq}.yml`);
  writeFileSync(
    file,
    `- hosts: localhost
  gather_facts: false
  tasks:
    - name: long command
      shell: "export INTR_MARK=${mark}; ${extra}sleep 300 & sleep 301"
    - name: never reached
      command: "true"
`,
  );
  return file;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} ends the command's whole process group, exits 99 with the recap and reports the host as interrupted`, async () => {
    const mark = `local-${signal}-${process.pid}`;
    const run = startDrover(['play', '-c', 'local', '-i', 'localhost,', sleeper(mark)]);
    await waitForPids(() => localMarked(mark), 2, 'both sleeps started', () => run.stdout() + run.stderr());
    const signalled = Date.now();
    run.child.kill(signal);
    const res = await run.done;
    assert.ok(Date.now() - signalled < 15_000, 'stopped within seconds');
    assert.deepEqual(await waitGone(() => localMarked(mark), 1000), [], 'no sleep is left behind');
    assert.equal(res.code, 99, res.stderr);
    assert.match(res.stderr, new RegExp(`${signal}: waiting for 1 running command on localhost to stop`));
    assert.match(res.stdout, /interrupted: \[localhost\] => /);
    assert.match(res.stdout, /\[ERROR\]: User interrupted execution\ninterrupted while a task ran: localhost/);
    assert.match(res.stdout, /PLAY RECAP \*+\nlocalhost\s+: ok=0\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=0\s+interrupted=1/);
    assert.doesNotMatch(res.stdout, /never reached/);
  });
}

test('--json: the interrupted task is a host_result with status interrupted, playbook_end lists the host, failed stays 0', async () => {
  const mark = `local-json-${process.pid}`;
  const run = startDrover(['play', '--json', '-c', 'local', '-i', 'localhost,', sleeper(mark)]);
  await waitForPids(() => localMarked(mark), 2, 'both sleeps started', () => run.stdout() + run.stderr());
  const signalled = Date.now();
  run.child.kill('SIGINT');
  const res = await run.done;
  assert.ok(Date.now() - signalled < 15_000, 'stopped within seconds');
  assert.deepEqual(await waitGone(() => localMarked(mark), 1000), [], 'no sleep is left behind');
  assert.equal(res.code, 99);
  const results = jsonEvents(res.stdout).filter((e) => e.type === 'host_result');
  assert.equal(results.length, 1);
  assert.equal(results[0]!.status, 'interrupted');
  assert.equal(results[0]!.result.interrupted, true);
  assert.equal(results[0]!.result.failed, undefined);
  const end = jsonSummary(res.stdout) as ReturnType<typeof jsonSummary> & { interrupted: boolean; interruptedHosts: string[] };
  assert.equal(end.interrupted, true);
  assert.deepEqual(end.interruptedHosts, ['localhost']);
  assert.equal(end.stats.localhost!.failed, 0);
  assert.equal(end.stats.localhost!.interrupted, 1);
  assert.equal(end.exitCode, 99);
});

test('a second Ctrl-C quits at once, without waiting or a recap, and still kills the command', async () => {
  const mark = `local-twice-${process.pid}`;
  // the command ignores SIGTERM: the first Ctrl-C alone would wait for the SIGKILL that follows it
  const run = startDrover(['play', '-c', 'local', '-i', 'localhost,', sleeper(mark, "trap '' TERM; ")]);
  await waitForPids(() => localMarked(mark), 2, 'both sleeps started', () => run.stdout() + run.stderr());
  run.child.kill('SIGINT');
  for (let i = 0; i < 50 && !/waiting for/.test(run.stderr()); i++) await new Promise((r) => setTimeout(r, 20));
  const signalled = Date.now();
  run.child.kill('SIGINT');
  const res = await run.done;
  assert.ok(Date.now() - signalled < 15_000, 'stopped within seconds');
  assert.equal(res.code, 99);
  assert.match(res.stderr, /SIGINT again, quitting now/);
  assert.doesNotMatch(res.stdout, /PLAY RECAP/, 'quit before the recap');
  assert.deepEqual(await waitGone(() => localMarked(mark), 1000), [], 'the process group was killed on the way out');
});

test('task timeout: the command group is killed and the task fails with Ansible\'s message; templated timeout too', async () => {
  const mark = `local-timeout-${process.pid}`;
  const file = join(dir, 'timeout.yml');
  writeFileSync(
    file,
    `- hosts: localhost
  gather_facts: false
  vars:
    t: 1
  tasks:
    - name: literal
      shell: "export INTR_MARK=${mark}; sleep 300 & sleep 301"
      timeout: 1
      ignore_errors: true
      register: literal
    - name: templated
      command: sleep 302
      environment: {INTR_MARK: "${mark}"}
      timeout: "{{ t + 1 }}"
      ignore_errors: true
    - name: fast enough
      command: "true"
      timeout: 30
    - debug: var=literal.msg
`,
  );
  const started = Date.now();
  const res = await drover(['play', '--json', '-c', 'local', '-i', 'localhost,', file]);
  assert.ok(Date.now() - started < 30_000, 'the timeouts stopped the run long before the sleeps would end');
  assert.deepEqual(localMarked(mark), [], 'no command is left running');
  const results = jsonEvents(res.stdout).filter((e) => e.type === 'host_result');
  assert.deepEqual(results.map((e) => [e.task, e.status]), [['literal', 'failed'], ['templated', 'failed'], ['fast enough', 'changed'], ['debug', 'ok']]);
  assert.deepEqual(results[0]!.result, { failed: true, changed: false, msg: 'The shell action failed to execute in the expected time frame (1) and was terminated' });
  assert.equal(results[1]!.result.msg, 'The command action failed to execute in the expected time frame (2) and was terminated');
  assert.equal(results[3]!.result['literal.msg'], 'The shell action failed to execute in the expected time frame (1) and was terminated');
  assert.equal(res.code, 0, 'both failures were ignored');
});

test('timeout is inherited from the play and the block as in Ansible, ends the task without until retries, and outlasts SIGTERM', async () => {
  const mark = `local-inherit-${process.pid}`;
  const file = join(dir, 'inherit.yml');
  writeFileSync(
    file,
    `- hosts: localhost
  gather_facts: false
  timeout: 1
  tasks:
    - name: from the play, ignoring SIGTERM
      shell: "export INTR_MARK=${mark}; trap '' TERM; sleep 300 & sleep 301"
      register: r
      until: r.rc == 0
      retries: 3
      delay: 0
      ignore_errors: true
    - debug: var=r
    - block:
        - name: from the block
          command: sleep 303
          environment: {INTR_MARK: "${mark}"}
      timeout: 2
      ignore_errors: true
`,
  );
  const res = await drover(['play', '--json', '-c', 'local', '-i', 'localhost,', file]);
  assert.deepEqual(localMarked(mark), [], 'SIGKILL followed the ignored SIGTERM');
  const results = jsonEvents(res.stdout).filter((e) => e.type === 'host_result');
  assert.deepEqual(results.map((e) => [e.task, e.status]), [['from the play, ignoring SIGTERM', 'failed'], ['debug', 'ok'], ['from the block', 'failed']]);
  assert.equal(jsonEvents(res.stdout).filter((e) => e.type === 'retry').length, 0, 'no until retries after a timeout');
  // what ansible-playbook 2.14 registers for the same play
  assert.deepEqual(results[1]!.result.r, { changed: false, failed: true, msg: 'The shell action failed to execute in the expected time frame (1) and was terminated' });
  assert.equal(results[2]!.result.msg, 'The command action failed to execute in the expected time frame (2) and was terminated');
  assert.equal(res.code, 0);
});

test('an invalid timeout is refused before anything runs', async () => {
  const file = join(dir, 'bad-timeout.yml');
  writeFileSync(file, '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - command: "true"\n      timeout: soon\n');
  const res = await drover(['play', '-c', 'local', '-i', 'localhost,', file]);
  assert.equal(res.code, 5);
  assert.match(res.stderr, /'timeout' must be a whole number of seconds, got "soon"/);
});

test('after Ctrl-C no new command starts: an exec with an aborted signal returns rc 130 and runs nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  const path = join(dir, 'started');
  const r = await new LocalConnection('localhost').exec(`touch ${path}`, { signal: ac.signal });
  assert.equal(r.rc, 130);
  assert.equal(existsSync(path), false, 'the command never ran');
});
