// Play, role and task keywords run by the real CLI over the local connection, side by side with
// ansible-playbook on the same playbook: each task appends a line to a trace file, and the two
// traces (and exit codes) must be equal. Covers order, any_errors_fatal across plays, templated
// keywords, include_tasks/import_tasks tags, role dependencies, module_defaults, delegate_facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { drover, jsonEvents } from '../../helpers/cli.js';
import { hasAnsible } from '../../helpers/ansible.js';

const INVENTORY = '[web]\nweb3\nweb1\nweb2\n\n[all:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drover-kw-'));
  for (const [name, text] of Object.entries({ 'inv.ini': INVENTORY, ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A task that appends `text` (a template) to the run's trace file. */
const trace = (text: string, indent = 6): string => `${' '.repeat(indent)}shell: echo "${text}" >> {{ out }}/trace\n`;

interface Run {
  code: number;
  trace: string;
  out: string;
  stdout: string;
}

function ansible(dir: string, args: string[]): Run {
  const out = mkdtempSync(join(dir, 'ansible-'));
  const res = spawnSync('ansible-playbook', ['-i', 'inv.ini', '-f', '1', '-e', `out=${out}`, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOWS: '1', ANSIBLE_RETRY_FILES_ENABLED: 'false' },
  });
  return { code: res.status ?? 1, trace: readTrace(out), out, stdout: res.stdout };
}

async function drv(dir: string, args: string[]): Promise<Run> {
  const out = mkdtempSync(join(dir, 'drover-'));
  const res = await drover(['play', '-i', 'inv.ini', '-f', '1', '-e', `out=${out}`, ...args], { cwd: dir });
  return { code: res.code, trace: readTrace(out), out, stdout: res.stdout + res.stderr };
}

function readTrace(out: string): string {
  return existsSync(join(out, 'trace')) ? readFileSync(join(out, 'trace'), 'utf8') : '';
}

/** Run both; assert equal traces and exit codes; return Drover's run (Ansible's when asked). */
async function same(dir: string, args: string[], expectTrace: string, expectCode = 0): Promise<{ d: Run; a?: Run }> {
  const d = await drv(dir, args);
  assert.equal(d.trace, expectTrace, `drover trace\n${d.stdout}`);
  assert.equal(d.code, expectCode, d.stdout);
  if (!hasAnsible) return { d };
  const a = ansible(dir, args);
  assert.equal(a.trace, expectTrace, `ansible trace\n${a.stdout}`);
  assert.equal(a.code, expectCode, a.stdout);
  return { d, a };
}

test('order: inventory, reverse_inventory, sorted, reverse_sorted, and shuffle runs every host once', async () => {
  const plays = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted']
    .map((o) => `- hosts: web\n  gather_facts: false\n  order: ${o}\n  tasks:\n    - name: t\n${trace(`${o} {{ inventory_hostname }}`)}`)
    .join('');
  const dir = project({ 'site.yml': plays + `- hosts: web\n  gather_facts: false\n  order: shuffle\n  tasks:\n    - name: t\n${trace('shuffle {{ inventory_hostname }}')}` });
  const d = await drv(dir, ['site.yml']);
  assert.equal(d.code, 0, d.stdout);
  const lines = d.trace.trim().split('\n');
  const want = (o: string, hs: string[]): string[] => hs.map((h) => `${o} ${h}`);
  assert.deepEqual(lines.slice(0, 12), [
    ...want('inventory', ['web3', 'web1', 'web2']),
    ...want('reverse_inventory', ['web2', 'web1', 'web3']),
    ...want('sorted', ['web1', 'web2', 'web3']),
    ...want('reverse_sorted', ['web3', 'web2', 'web1']),
  ]);
  assert.deepEqual(lines.slice(12).sort(), want('shuffle', ['web1', 'web2', 'web3']));
  if (hasAnsible) assert.deepEqual(ansible(dir, ['site.yml']).trace.trim().split('\n').slice(0, 12), lines.slice(0, 12));
});

test('any_errors_fatal ends the later plays too, as in Ansible (exit 2)', async () => {
  const dir = project({
    'site.yml': `- hosts: web
  gather_facts: false
  any_errors_fatal: "{{ fatal }}"
  vars: {fatal: true}
  tasks:
    - name: fails on web1
      fail: {msg: boom}
      when: inventory_hostname == 'web1'
    - name: after
${trace('play1 {{ inventory_hostname }}')}- hosts: web
  gather_facts: false
  tasks:
    - name: second play
${trace('play2 {{ inventory_hostname }}')}`,
  });
  await same(dir, ['site.yml'], '', 2);
});

test('templated gather_facts, serial, ignore_errors, run_once, no_log, check_mode and diff are decided from variables', async () => {
  const dir = project({
    'site.yml': `- hosts: web
  gather_facts: "{{ gf }}"
  serial: "{{ batch }}"
  order: sorted
  vars: {gf: false, batch: 2, ie: true, once: "{{ inventory_hostname == 'web1' }}", hide: true, dry: true}
  tasks:
    - name: facts were not gathered
${trace('{{ inventory_hostname }} facts={{ ansible_facts.hostname is defined }} batch={{ ansible_play_batch | length }}')}    - name: failure ignored by a template
      fail: {msg: no}
      ignore_errors: "{{ ie }}"
    - name: once
      run_once: "{{ once }}"
${trace('once {{ inventory_hostname }}')}    - name: hidden
      debug: {msg: "topsecret-{{ inventory_hostname }}"}
      no_log: "{{ hide }}"
    - name: dry run
      copy: {content: x, dest: "{{ out }}/dry-{{ inventory_hostname }}"}
      check_mode: "{{ dry }}"
    - name: shows a diff without --diff
      copy: {content: "y\\n", dest: "{{ out }}/diff-{{ inventory_hostname }}"}
      diff: "{{ dry }}"
`,
  });
  // run_once is templated with the batch's first host's vars: true in batch 1 (web1), false in batch 2 (web3)
  const want = 'web1 facts=False batch=2\nweb2 facts=False batch=2\nonce web1\nweb3 facts=False batch=1\nonce web3\n';
  const { d } = await same(dir, ['site.yml'], want, 0);
  assert.doesNotMatch(d.stdout, /topsecret/);
  for (const h of ['web1', 'web2', 'web3']) assert.equal(existsSync(join(d.out, `dry-${h}`)), false);
  const j = await drover(['play', '-i', 'inv.ini', '-e', `out=${mkdtempSync(join(dir, 'json-'))}`, 'site.yml', '--json'], { cwd: dir });
  const copies = jsonEvents(j.stdout).filter((e) => e.type === 'host_result' && e.task === 'shows a diff without --diff');
  assert.equal(copies.length, 3);
  for (const c of copies) assert.ok(Array.isArray(c.result.diff) && c.result.diff.length > 0, JSON.stringify(c.result));
});

test('tags on include_tasks apply to the include only; on import_tasks they are inherited', async () => {
  const dir = project({
    'inc.yml': `- name: included untagged\n${trace('inc-untagged', 2)}- name: included tagged\n${trace('inc-tagged', 2)}  tags: [inner]\n`,
    'imp.yml': `- name: imported untagged\n${trace('imp-untagged', 2)}`,
    'site.yml': `- hosts: web1
  gather_facts: false
  tasks:
    - include_tasks: inc.yml
      tags: [inc]
    - import_tasks: imp.yml
      tags: [imp]
`,
  });
  await same(dir, ['site.yml', '--tags', 'inc,imp'], 'imp-untagged\n');
  await same(dir, ['site.yml', '--tags', 'inc,inner'], 'inc-tagged\n');
  await same(dir, ['site.yml'], 'inc-untagged\ninc-tagged\nimp-untagged\n');
});

test('role dependencies from meta/main.yml run first, once per parameter set, with allow_duplicates honoured', async () => {
  const role = (name: string, meta: string, line = `${name} {{ p | default('-') }}`): Record<string, string> => ({
    [`roles/${name}/tasks/main.yml`]: `- name: ${name}\n${trace(line, 2)}`,
    ...(meta ? { [`roles/${name}/meta/main.yml`]: meta } : {}),
  });
  const dir = project({
    ...role('common', ''),
    ...role('pkg', ''),
    ...role('dup', 'allow_duplicates: true\n'),
    ...role('app', 'galaxy_info: {author: me}\ndependencies:\n  - common\n  - {role: pkg, p: a}\n  - role: pkg\n    p: b\n  - {role: pkg, p: a}\n  - dup\n'),
    ...role('web', 'dependencies: [common, dup, {role: pkg, p: a}]\n'),
    'site.yml': '- hosts: web1\n  gather_facts: false\n  roles:\n    - app\n    - web\n',
  });
  await same(dir, ['site.yml'], 'common -\npkg a\npkg b\ndup -\napp -\ndup -\nweb -\n');
});

test('module_defaults fill in module arguments from play, block and task levels; the task\'s own win', async () => {
  const dir = project({
    'site.yml': `- hosts: web1
  gather_facts: false
  module_defaults:
    copy: {mode: "0600", content: "play\\n"}
  tasks:
    - copy: {dest: "{{ out }}/a"}
    - block:
        - copy: {dest: "{{ out }}/b"}
        - copy: {dest: "{{ out }}/c", mode: "0640"}
      module_defaults:
        ansible.builtin.copy: {mode: "0644", content: "{{ 'block' }}\\n"}
`,
  });
  const { d, a } = await same(dir, ['site.yml'], '');
  const modes = (out: string): string[] => ['a', 'b', 'c'].map((f) => `${f} ${(statSync(join(out, f)).mode & 0o777).toString(8)} ${readFileSync(join(out, f), 'utf8').trim()}`);
  assert.deepEqual(modes(d.out), ['a 600 play', 'b 644 block', 'c 640 block']);
  if (a) assert.deepEqual(modes(a.out), modes(d.out));
});

test('module_defaults naming a module Drover lacks, or a group it cannot honour, is exit 5', async () => {
  const dir = project({ 'site.yml': '- hosts: web1\n  module_defaults:\n    group/aws: {region: x}\n  tasks: []\n' });
  const r = await drover(['play', '-i', 'inv.ini', 'site.yml'], { cwd: dir });
  assert.equal(r.code, 5);
  assert.match(r.stderr, /site\.yml:3:5: module_defaults group 'group\/aws' is not supported by Drover/);
});

test('delegate_facts puts a delegated task\'s facts on the delegated host', async () => {
  const dir = project({
    'site.yml': `- hosts: web1
  gather_facts: false
  tasks:
    - set_fact: {color: blue}
      delegate_to: web2
      delegate_facts: true
    - set_fact: {shape: round}
      delegate_to: web3
- hosts: web
  gather_facts: false
  order: sorted
  tasks:
    - name: report
${trace("{{ inventory_hostname }} {{ color | default('-') }} {{ shape | default('-') }}")}`,
  });
  await same(dir, ['site.yml'], 'web1 - round\nweb2 blue -\nweb3 - -\n');
});

test('a refused keyword is exit 5 from the CLI, naming file:line:col and the keyword', async () => {
  const dir = project({ 'site.yml': '- hosts: web1\n  tasks:\n    - debug: {msg: x}\n      debugger: on_failed\n' });
  const r = await drover(['play', '-i', 'inv.ini', 'site.yml'], { cwd: dir });
  assert.equal(r.code, 5);
  assert.match(r.stderr, /site\.yml:4:7: 'debugger' is not supported by Drover/);
});

test('include_role with a loop runs the role once per item, with the item in its vars', async () => {
  const dir = project({
    'roles/r/tasks/main.yml': `- name: r\n${trace('r {{ x }} {{ d }}', 2)}`,
    'roles/r/defaults/main.yml': 'd: def\n',
    'site.yml': `- hosts: web1
  gather_facts: false
  tasks:
    - include_role: {name: r}
      vars: {x: "{{ one }}"}
      loop: [a, b]
      loop_control: {loop_var: one}
      when: one != 'c'
`,
  });
  await same(dir, ['site.yml'], 'r a def\nr b def\n');
});

test('a templated play name, become_user, become_method and become_flags are rendered, as Ansible renders them', async () => {
  const dir = project({
    'site.yml': `- name: "deploy {{ app }}"
  hosts: web1
  gather_facts: false
  vars: {app: shop, who: nobody, how: sudo}
  tasks:
    - name: as another user
      command: whoami
      become: true
      become_user: "{{ who }}"
      become_method: "{{ how }}"
      register: w
    - name: with a group of sudo's -g from become_flags
      command: id -gn
      become: true
      become_user: nobody
      become_flags: "-H -g {{ grp }}"
      vars: {grp: root}
      register: g
    - name: t
${trace('{{ w.stdout }} {{ g.stdout }}')}`,
  });
  const { d, a } = await same(dir, ['site.yml'], 'nobody root\n');
  assert.match(d.stdout, /PLAY \[deploy shop\]/);
  if (a) assert.match(a.stdout, /PLAY \[deploy shop\]/);
});

test('action, args, environment, vars_files, task-level connection, ignore_unreachable, force_handlers and loop_control loop_var/index_var/extended/label as in Ansible', async () => {
  const dir = project({
    // ghost has no ansible_connection: ssh by default, so only the connection keyword makes it local
    'inv.ini': "[web]\nweb1 ansible_connection=local\n[far]\nghost ansible_host=127.0.0.1 ansible_port=9\n[all:vars]\nansible_python_interpreter=/usr/bin/python3\n",
    'v.yml': 'from_file: filed\n',
    'site.yml': `- hosts: far
  gather_facts: false
  tasks:
    - name: over ssh to a closed port
      command: "true"
      ignore_unreachable: true
    - name: the keyword beats the default transport
      connection: local
      action: shell echo "local {{ inventory_hostname }}" >> {{ out }}/trace
- hosts: web1
  gather_facts: false
  force_handlers: true
  vars_files: [v.yml]
  tasks:
    - name: args, environment and a vars file
      shell: echo "$(pwd) $KW {{ from_file }}" >> {{ out }}/trace
      args: {chdir: /tmp}
      environment: {KW: envval}
    - name: loop settings
      shell: echo "{{ n }} {{ it }} {{ ansible_loop.revindex }} {{ ansible_loop.last }}" >> {{ out }}/trace
      loop: [a, b]
      loop_control: {loop_var: it, index_var: n, extended: true, label: "lbl-{{ it }}"}
    - name: notify
      shell: "true"
      notify: h
    - name: fails
      fail: {msg: stop}
  handlers:
    - name: h
${trace('handler ran')}`,
  });
  const { d } = await same(dir, ['site.yml'], 'local ghost\n/tmp envval filed\n0 a 2 False\n1 b 1 True\nhandler ran\n', 2);
  assert.match(d.stdout, /\(item=lbl-a\)/);
});

test('throttle: 1 runs the task on one host at a time although forks allow three', async () => {
  const dir = project({
    'site.yml': `- hosts: web
  gather_facts: false
  tasks:
    - name: one at a time
      shell: echo "start {{ inventory_hostname }}" >> {{ out }}/trace; sleep 0.3; echo "end {{ inventory_hostname }}" >> {{ out }}/trace
      throttle: 1
`,
  });
  const out = mkdtempSync(join(dir, 'drover-'));
  const r = await drover(['play', '-i', 'inv.ini', '-f', '3', '-e', `out=${out}`, 'site.yml'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = readTrace(out).trim().split('\n');
  assert.equal(lines.length, 6);
  for (let i = 0; i < 6; i += 2) assert.equal(lines[i]!.replace('start', 'end'), lines[i + 1], lines.join('\n'));
});

test('loop_control pause waits between items', async () => {
  const dir = project({
    'site.yml': `- hosts: web1
  gather_facts: false
  tasks:
    - name: paced
      shell: date +%s.%N >> {{ out }}/trace
      loop: [1, 2, 3]
      loop_control: {pause: 1}
`,
  });
  const d = await drv(dir, ['site.yml']);
  assert.equal(d.code, 0, d.stdout);
  const t = d.trace.trim().split('\n').map(Number);
  assert.equal(t.length, 3);
  // two pauses of one second: generous lower bound only
  assert.ok(t[2]! - t[0]! >= 1.9, `items ran ${t[2]! - t[0]!}s apart`);
});

test("a role entry's vars: are role vars seen by later roles, its parameters are not (Ansible's private_role_vars=False)", async () => {
  const dir = project({
    'roles/a/tasks/main.yml': `- name: a\n${trace('a {{ x }} {{ p }}', 2)}`,
    'roles/b/tasks/main.yml': `- name: b\n${trace("b {{ x | default('-') }} {{ p | default('-') }}", 2)}`,
    'site.yml': '- hosts: web1\n  gather_facts: false\n  roles:\n    - {role: a, p: 1, vars: {x: fromentry}}\n    - b\n',
  });
  await same(dir, ['site.yml'], 'a fromentry 1\nb fromentry -\n');
});
