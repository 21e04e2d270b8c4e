// The loader must reject bad input before anything runs, naming file, line, column and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/cli/errors.js';
import { PlaybookLoader, flattenTasks } from '../../../src/playbook/load-playbook.js';
import { checkHandlers } from '../../../src/executor/playbook-runner.js';

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drover-load-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function loadError(files: Record<string, string>): InputError {
  const dir = write(files);
  try {
    const pb = new PlaybookLoader().load(join(dir, 'site.yml'));
    checkHandlers(pb);
  } catch (err) {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the playbook to be rejected');
}

test('an unknown play keyword names file, line, column and field', () => {
  const e = loadError({ 'site.yml': '- hosts: all\n  taskz:\n    - debug: {msg: hi}\n' });
  assert.match(e.file!, /site\.yml$/);
  assert.equal(e.line, 2);
  assert.equal(e.col, 3);
  assert.equal(e.field, 'taskz');
  assert.match(e.format(), /site\.yml:2:3: 'taskz' is not a valid attribute for a Play \(field: taskz\)/);
});

test('an unknown module is refused with a hint', () => {
  const e = loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - name: typo\n      copyy: {dest: /tmp/x}\n' });
  assert.equal(e.line, 4);
  assert.match(e.message, /couldn't resolve module\/action 'copyy'/);
  assert.match(e.hint ?? '', /copy/);
});

test('an unknown module argument is refused before running', () => {
  const e = loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - copy: {dest: /tmp/x, contnet: hi}\n' });
  assert.equal(e.line, 3);
  assert.match(e.message, /unsupported parameter for module copy: contnet/);
});

test('a YAML syntax error points at the line', () => {
  const e = loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: {msg: [unclosed}\n' });
  assert.match(e.message, /YAML syntax error/);
  assert.equal(e.line, 3);
});

test('wrong types are refused (serial, tags list, loop_control)', () => {
  assert.match(loadError({ 'site.yml': '- hosts: all\n  serial: lots\n  tasks: []\n' }).message, /serial/);
  assert.equal(loadError({ 'site.yml': '- hosts: all\n  tasks: {debug: {msg: x}}\n' }).field, 'tasks');
  assert.equal(loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: {msg: x}\n      loop: [1]\n      loop_control: {loopvar: x}\n' }).field, 'loopvar');
});

test('a notify that no handler answers is refused', () => {
  const e = loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - copy: {dest: /tmp/x, content: a}\n      notify: restart nginx\n  handlers:\n    - name: restart apache\n      debug: {msg: x}\n' });
  assert.equal(e.field, 'notify');
  assert.match(e.message, /restart nginx/);
});

test('a missing role and a missing imported file are named', () => {
  assert.match(loadError({ 'site.yml': '- hosts: all\n  roles: [nosuchrole]\n' }).message, /role 'nosuchrole' was not found/);
  const e = loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: missing.yml\n' });
  assert.match(e.message, /could not find task file .*missing\.yml/);
  assert.equal(e.line, 3);
});

test('vars on import_playbook update each imported play\'s vars; tags and when there are refused, not ignored', () => {
  const dir = write({
    'site.yml': '- import_playbook: other.yml\n  vars: {port: 8080, extra: yes}\n',
    'other.yml': '- hosts: db\n  vars: {port: 80, keep: 1}\n  tasks: [{debug: {msg: x}}]\n- hosts: web\n  tasks: [{debug: {msg: y}}]\n',
    'tagged.yml': '- import_playbook: other.yml\n  tags: [db]\n',
    'guarded.yml': '- import_playbook: other.yml\n  when: false\n',
  });
  const pb = new PlaybookLoader().load(join(dir, 'site.yml'));
  assert.deepEqual(pb.plays.map((p) => p.vars), [{ port: 8080, keep: 1, extra: true }, { port: 8080, extra: true }]);
  assert.throws(() => new PlaybookLoader().load(join(dir, 'tagged.yml')), /'tags' on import_playbook is not supported by Drover/);
  assert.throws(() => new PlaybookLoader().load(join(dir, 'guarded.yml')), /'when' on import_playbook is not supported/);
});

test('roles, import_tasks and import_playbook expand with inherited keywords', () => {
  const dir = write({
    'site.yml': '- import_playbook: other.yml\n- hosts: web\n  roles:\n    - role: app\n      tags: [app]\n  tasks:\n    - import_tasks: more.yml\n      when: x is defined\n      tags: [more]\n',
    'other.yml': '- hosts: db\n  gather_facts: no\n  tasks:\n    - command: "true"\n',
    'more.yml': '- name: more one\n  debug: {msg: one}\n',
    'roles/app/tasks/main.yml': '- name: role task\n  shell: echo hi\n',
    'roles/app/handlers/main.yml': '- name: role handler\n  debug: {msg: h}\n',
    'roles/app/defaults/main.yml': 'port: 80\n',
  });
  const pb = new PlaybookLoader().load(join(dir, 'site.yml'));
  assert.equal(pb.plays.length, 2);
  assert.equal(pb.plays[0]!.hosts, 'db');
  assert.equal(pb.plays[0]!.gatherFacts, false);
  const tasks = flattenTasks(pb.plays[1]!.sections[1]!);
  assert.deepEqual(tasks.map((t) => t.name), ['role task', 'more one']);
  assert.equal(tasks[0]!.role?.name, 'app');
  assert.deepEqual(tasks[0]!.role?.defaults, { port: 80 });
  assert.deepEqual(tasks[0]!.ctx.tags, ['app']);
  assert.deepEqual(tasks[1]!.ctx.tags, ['more']);
  assert.deepEqual(tasks[1]!.ctx.when, ['x is defined']);
  assert.equal(pb.plays[1]!.handlers[0]!.name, 'role handler');
});

test('free-form and k=v arguments', () => {
  const dir = write({ 'site.yml': '- hosts: all\n  tasks:\n    - shell: ls -l | wc -l chdir=/tmp\n    - file: path=/tmp/x state=directory\n    - local_action: command hostname\n' });
  const [shell, file, local] = flattenTasks(new PlaybookLoader().load(join(dir, 'site.yml')).plays[0]!.sections[1]!);
  assert.deepEqual(shell!.args, { _raw_params: 'ls -l | wc -l', chdir: '/tmp' });
  assert.deepEqual(file!.args, { path: '/tmp/x', state: 'directory' });
  assert.equal(local!.action, 'command');
  assert.equal(local!.ctx.delegateTo, 'localhost');
});
