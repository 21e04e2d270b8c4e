// The real CLI as a process over the local connection: validation before running, output
// formats, secrets, tags, interrupts and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, drover, jsonEvents, jsonSummary } from '../../helpers/cli.js';

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'drover-cli-'));
}

function playbook(dir: string, text: string, name = 'site.yml'): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('invalid playbook: exit 5, file:line:col on stderr, and nothing ran', async () => {
  const dir = workdir();
  const pb = playbook(dir, `- hosts: localhost
  gather_facts: false
  tasks:
    - name: would create a file
      copy: {content: x, dest: ${dir}/created}
    - name: broken
      debug: {msg: hi, colour: red}
`);
  const res = await drover(['play', pb]);
  assert.equal(res.code, 5);
  assert.match(res.stderr, new RegExp(`${pb.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:7:7: unsupported parameter for module debug: colour`));
  assert.equal(existsSync(join(dir, 'created')), false);
});

test('invalid inventory: exit 5 naming the inventory file', async () => {
  const dir = workdir();
  const inv = join(dir, 'inv.yml');
  writeFileSync(inv, 'all:\n  hosts:\n    - web1\n');
  const pb = playbook(dir, '- hosts: all\n  tasks: []\n');
  const res = await drover(['play', pb, '-i', inv]);
  assert.equal(res.code, 5);
  assert.match(res.stderr, /inv\.yml/);
});

test('--syntax-check, --list-hosts and --list-tasks run nothing', async () => {
  const dir = workdir();
  const inv = join(dir, 'inv.ini');
  writeFileSync(inv, '[web]\nweb[1:3]\n[all:vars]\nansible_connection=local\n');
  const pb = playbook(dir, `- hosts: web
  tasks:
    - name: first
      copy: {content: x, dest: ${dir}/created}
      tags: [deploy]
    - name: second
      debug: {msg: hi}
`);
  const syntax = await drover(['play', pb, '-i', inv, '--syntax-check']);
  assert.equal(syntax.code, 0);
  assert.match(syntax.stdout, /playbook: .*site\.yml/);
  const hosts = await drover(['play', pb, '-i', inv, '--list-hosts', '-l', 'web[0:1]:web3']);
  assert.match(hosts.stdout, /hosts \(3\):\s+web1\s+web2\s+web3/);
  const tasks = await drover(['play', pb, '-i', inv, '--list-tasks', '-t', 'deploy']);
  assert.match(tasks.stdout, /first\tTAGS: \[deploy\]/);
  assert.doesNotMatch(tasks.stdout, /second/);
  assert.equal(existsSync(join(dir, 'created')), false);
});

test('plain output looks like Ansible and ends with a recap', async () => {
  const dir = workdir();
  const pb = playbook(dir, `- name: Plain
  hosts: localhost
  gather_facts: false
  tasks:
    - name: make a file
      copy: {content: "x\\n", dest: ${dir}/f}
    - name: say hi
      debug: {msg: hello}
    - name: fail softly
      command: /bin/false
      ignore_errors: true
`);
  const res = await drover(['play', pb]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /PLAY \[Plain\] \*+/);
  assert.match(res.stdout, /TASK \[make a file\] \*+\nchanged: \[localhost\]/);
  assert.match(res.stdout, /ok: \[localhost\] => \{\n\s+"msg": "hello"\n\}/);
  assert.match(res.stdout, /fatal: \[localhost\]: FAILED! =>/);
  assert.match(res.stdout, /\.\.\.ignoring/);
  assert.match(res.stdout, /PLAY RECAP \*+\nlocalhost\s+: ok=3\s+changed=2\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=1/);
});

test('an undefined variable fails the task naming the variable and its place', async () => {
  const dir = workdir();
  const pb = playbook(dir, `- hosts: localhost
  gather_facts: false
  tasks:
    - name: uses a missing var
      debug: {msg: "{{ no_such_var }}"}
`);
  const res = await drover(['play', pb, '--json']);
  assert.equal(res.code, 2);
  const failed = jsonEvents(res.stdout).find((e) => e.type === 'host_result' && e.status === 'failed');
  assert.ok(failed);
  assert.match(failed.result.msg, /no_such_var/);
  assert.match(failed.result.msg, /site\.yml': line 5, column 7/);
});

test('secrets never reach the output: masked vars and no_log', async () => {
  const dir = workdir();
  const pb = playbook(dir, `- hosts: localhost
  gather_facts: false
  vars:
    db_password: hunter2-very-secret
  tasks:
    - name: leaks by accident
      debug: {msg: "connecting with {{ db_password }}"}
    - name: hidden
      command: echo topsecret-output-value
      no_log: true
`);
  for (const fmt of [[], ['--json'], ['-v']]) {
    const res = await drover(['play', pb, ...fmt]);
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stdout + res.stderr, /hunter2-very-secret/);
    assert.doesNotMatch(res.stdout + res.stderr, /topsecret-output-value/);
    assert.match(res.stdout, /\*{8}/);
  }
});

test('--tags, --skip-tags and --start-at-task select tasks', async () => {
  const dir = workdir();
  const pb = playbook(dir, `- hosts: localhost
  gather_facts: false
  tasks:
    - {name: one, copy: {content: "1", dest: "${dir}/one"}, tags: [a]}
    - {name: two, copy: {content: "2", dest: "${dir}/two"}, tags: [b]}
    - {name: three, copy: {content: "3", dest: "${dir}/three"}, tags: [always]}
    - {name: four, copy: {content: "4", dest: "${dir}/four"}, tags: [never, debug]}
`);
  const created = (): boolean[] => ['one', 'two', 'three', 'four'].map((f) => existsSync(join(dir, f)));
  const clean = (): void => ['one', 'two', 'three', 'four'].forEach((f) => rmSync(join(dir, f), { force: true }));
  await drover(['play', pb, '-t', 'b']);
  assert.deepEqual(created(), [false, true, true, false]);
  clean();
  await drover(['play', pb, '--skip-tags', 'a']);
  assert.deepEqual(created(), [false, true, true, false]);
  clean();
  await drover(['play', pb, '--start-at-task', 'thr*']);
  assert.deepEqual(created(), [false, false, true, false]);
  clean();
  await drover(['play', pb, '-t', 'debug']);
  assert.deepEqual(created(), [false, false, true, true]);
});

test('--diff shows before and after of a changed file', async () => {
  const dir = workdir();
  writeFileSync(join(dir, 'conf'), 'a=1\n');
  const pb = playbook(dir, `- hosts: localhost
  gather_facts: false
  tasks:
    - lineinfile: {path: "${dir}/conf", regexp: "^a=", line: "a=2"}
`);
  const res = await drover(['play', pb, '--diff', '--check', '--json']);
  const ev = jsonEvents(res.stdout).find((e) => e.type === 'host_result' && e.action === 'lineinfile');
  assert.equal(ev?.status, 'changed');
  assert.equal(ev.result.diff[0].before, 'a=1\n');
  assert.equal(ev.result.diff[0].after, 'a=2\n');
  assert.equal(readFileSync(join(dir, 'conf'), 'utf8'), 'a=1\n', 'check mode left the file alone');
  // the plain output (logs, CI) shows it as a unified diff above the host's line
  const plain = await drover(['play', pb, '--diff', '--check']);
  assert.match(plain.stdout, new RegExp(`--- before: ${dir}/conf \\(content\\)\n\\+\\+\\+ after: ${dir}/conf \\(content\\)\n@@ -1,1 \\+1,1 @@\n-a=1\n\\+a=2\nchanged: \\[localhost\\]`));
  const quiet = await drover(['play', pb, '--check']);
  assert.doesNotMatch(quiet.stdout, /^[-+]a=/m, 'no diff without --diff');
});

test('drover run: ad hoc module on a pattern', async () => {
  const res = await drover(['run', 'localhost', '-m', 'shell', '-a', 'echo ad-hoc-$((6*7))', '--json']);
  assert.equal(res.code, 0, res.stderr);
  const ev = jsonEvents(res.stdout).find((e) => e.type === 'host_result');
  assert.equal(ev?.result.stdout, 'ad-hoc-42');
  const none = await drover(['run', 'nosuchgroup', '-a', 'true']);
  assert.equal(none.code, 6);
});

test('strategy free and forks run every host to the end', async () => {
  const dir = workdir();
  const inv = join(dir, 'inv.ini');
  writeFileSync(inv, '[fleet]\nn[01:12]\n[fleet:vars]\nansible_connection=local\n');
  const pb = playbook(dir, `- hosts: fleet
  gather_facts: false
  strategy: free
  tasks:
    - shell: sleep 0.$((RANDOM % 3)); echo {{ inventory_hostname }} > ${dir}/{{ inventory_hostname }}
`);
  const res = await drover(['play', pb, '-i', inv, '-f', '4', '--json']);
  assert.equal(res.code, 0, res.stderr);
  const s = jsonSummary(res.stdout);
  assert.equal(Object.keys(s.stats).length, 12);
  for (let i = 1; i <= 12; i++) assert.equal(readFileSync(join(dir, `n${String(i).padStart(2, '0')}`), 'utf8').trim(), `n${String(i).padStart(2, '0')}`);
});

test('Ctrl-C stops cleanly: recap printed, exit 99', async () => {
  const dir = workdir();
  const pb = playbook(dir, `- hosts: localhost
  gather_facts: false
  tasks:
    - name: started
      copy: {content: "x", dest: ${dir}/started}
    - name: long wait
      pause: {seconds: 60}
    - name: never
      copy: {content: "x", dest: ${dir}/never}
`);
  const child = spawn(process.execPath, [BIN, 'play', pb], { env: { ...process.env, NO_COLOR: '1' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => {
    const poll = setInterval(() => {
      if (out.includes('long wait')) {
        clearInterval(poll);
        process.kill(-child.pid!, 'SIGINT');
      }
    }, 50);
    child.on('close', (c) => {
      clearInterval(poll);
      resolve(c);
    });
  });
  assert.equal(code, 99);
  assert.match(out, /PLAY RECAP/);
  assert.equal(existsSync(join(dir, 'started')), true);
  assert.equal(existsSync(join(dir, 'never')), false);
});
