// The keyword table must list exactly the FieldAttributes of the installed Ansible, and every
// keyword it refuses must fail at load (exit-5 InputError) naming the keyword and where it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/cli/errors.js';
import { PlaybookLoader } from '../../../src/playbook/load-playbook.js';
import { KEYWORD_TABLE, acceptsKeyword, type KeywordObject } from '../../../src/playbook/keyword-table.js';

// Ansible's own classes for each object; a role entry under roles: is a RoleInclude
const PYTHON = `
import json
from ansible.playbook.play import Play
from ansible.playbook.block import Block
from ansible.playbook.task import Task
from ansible.playbook.handler import Handler
from ansible.playbook.role.include import RoleInclude
from ansible.playbook.loop_control import LoopControl
objs = {'play': Play, 'block': Block, 'task': Task, 'handler': Handler, 'role': RoleInclude, 'loop_control': LoopControl}
print(json.dumps({o: {k: {'static': v.static} for k, v in c.fattributes.items()} for o, c in objs.items()}))
`;

function ansibleAttributes(): Record<KeywordObject, Record<string, { static: boolean }>> {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', PYTHON], { encoding: 'utf8' }));
}

test('the keyword table lists every FieldAttribute of the installed Ansible, on the same objects, and its templated column matches', () => {
  const attrs = ansibleAttributes();
  const fromAnsible = new Map<string, { objects: Set<string>; templated: boolean }>();
  for (const [object, fields] of Object.entries(attrs)) {
    for (const [name, f] of Object.entries(fields)) {
      const e = fromAnsible.get(name) ?? { objects: new Set<string>(), templated: !f.static };
      e.objects.add(object);
      fromAnsible.set(name, e);
    }
  }
  assert.ok(fromAnsible.size > 60, `parsed only ${fromAnsible.size} keywords from Ansible`);
  const table = new Map(KEYWORD_TABLE.map((e) => [e.keyword, e]));
  assert.deepEqual([...table.keys()].sort(), [...fromAnsible.keys()].sort(), 'the table and Ansible know different keywords');
  for (const [name, a] of fromAnsible) {
    const e = table.get(name)!;
    assert.deepEqual([...e.objects].sort(), [...a.objects].sort(), `objects of '${name}'`);
    assert.equal(e.templated, a.templated, `templated column of '${name}'`);
    assert.ok(e.status === 'implemented' || e.hint, `refused '${name}' needs a hint`);
    if (e.droverLiteral) assert.ok(e.templated && e.status === 'implemented', `'${name}': droverLiteral only makes sense for an implemented templated keyword`);
  }
});

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drover-kw-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A playbook with `keyword: value` on the given object, the keyword on line 5 of site.yml (column noted). */
function playbookWith(object: KeywordObject, keyword: string, value: string): { files: Record<string, string>; file: string; line: number; col: number } {
  const kv = `${keyword}: ${value}`;
  switch (object) {
    case 'play':
      return { files: { 'site.yml': `- hosts: all\n  ${kv}\n  tasks: []\n` }, file: 'site.yml', line: 2, col: 3 };
    case 'block':
      return { files: { 'site.yml': `- hosts: all\n  tasks:\n    - block:\n        - debug: {msg: x}\n      ${kv}\n` }, file: 'site.yml', line: 5, col: 7 };
    case 'task':
      return { files: { 'site.yml': `- hosts: all\n  tasks:\n    - debug: {msg: x}\n      ${kv}\n` }, file: 'site.yml', line: 4, col: 7 };
    case 'handler':
      return { files: { 'site.yml': `- hosts: all\n  handlers:\n    - name: h\n      debug: {msg: x}\n      ${kv}\n` }, file: 'site.yml', line: 5, col: 7 };
    case 'role':
      return { files: { 'site.yml': `- hosts: all\n  roles:\n    - role: r\n      ${kv}\n`, 'roles/r/tasks/main.yml': '- debug: {msg: x}\n' }, file: 'site.yml', line: 4, col: 7 };
    case 'loop_control':
      return { files: { 'site.yml': `- hosts: all\n  tasks:\n    - debug: {msg: x}\n      loop: [1]\n      loop_control:\n        ${kv}\n` }, file: 'site.yml', line: 6, col: 9 };
  }
}

const SAMPLE: Record<string, string> = { async: '10', async_val: '10', poll: '0', collections: '[ansible.builtin]', debugger: 'on_failed', become_exe: 'sudo', extended_allitems: 'false', fact_path: '/etc/ansible/facts.d', gather_timeout: '5', loop_with: 'items', vars_prompt: '[{name: x}]', notify: '[h]' };

test('every refused keyword, on every object Ansible allows it on, fails at load naming the keyword, file, line and column', () => {
  let checked = 0;
  for (const e of KEYWORD_TABLE) {
    for (const object of e.objects) {
      if (acceptsKeyword(object, e.keyword)) continue;
      const pb = playbookWith(object, e.keyword, SAMPLE[e.keyword] ?? 'x');
      const dir = write(pb.files);
      let err: unknown;
      try {
        new PlaybookLoader().load(join(dir, 'site.yml'));
      } catch (x) {
        err = x;
      }
      assert.ok(err instanceof InputError, `'${e.keyword}' on a ${object} was accepted`);
      assert.equal(err.message, `'${e.keyword}' is not supported by Drover`, `${e.keyword} on ${object}`);
      assert.equal(err.field, e.keyword);
      assert.equal(err.hint, e.hint);
      assert.ok(err.file?.endsWith(pb.file) && err.line === pb.line && err.col === pb.col, `${e.keyword} on ${object}: at ${err.file}:${err.line}:${err.col}`);
      checked++;
    }
  }
  assert.ok(checked >= 20, `only ${checked} refusals checked`);
});

test('an implemented keyword Drover does not template is refused when templated, never taken literally', () => {
  for (const e of KEYWORD_TABLE.filter((k) => k.droverLiteral)) {
    for (const object of e.objects.filter((o) => acceptsKeyword(o, e.keyword))) {
      const pb = playbookWith(object, e.keyword, '"{{ v }}"');
      const dir = write(pb.files);
      assert.throws(() => new PlaybookLoader().load(join(dir, 'site.yml')), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.equal(err.message, `'${e.keyword}' is templated, which Drover does not support for this keyword`);
        assert.equal(err.line, pb.line);
        return true;
      }, `${e.keyword} on ${object}`);
    }
  }
});

test('every implemented keyword loads on every object Ansible allows it on', () => {
  const values: Record<string, string> = {
    action: 'debug msg=x', always: '[]', block: '[{debug: {msg: y}}]', rescue: '[]', args: '{msg: y}', hosts: 'all', roles: '[]', tasks: '[]', pre_tasks: '[]',
    post_tasks: '[]', handlers: '[]', vars_files: '[]', vars: '{a: 1}', loop: '[1]', loop_control: '{loop_var: i}', delay: '1', retries: '1', until: 'true',
    port: '22', timeout: '5', throttle: '1', serial: '1', max_fail_percentage: '10', order: 'sorted', strategy: 'linear', connection: 'local',
    module_defaults: '{file: {mode: "0644"}}', gather_subset: '[min]', become_method: 'sudo', listen: 'topic', notify: '[]', pause: '0', role: 'r', name: 'n',
    environment: '{A: b}', tags: '[t]', when: 'true', register: 'r', changed_when: 'false', failed_when: 'false', label: 'l', loop_var: 'i', index_var: 'n',
  };
  let loaded = 0;
  for (const e of KEYWORD_TABLE) {
    for (const object of e.objects) {
      if (!acceptsKeyword(object, e.keyword)) continue;
      if (object === 'role' && (e.keyword === 'role' || e.keyword === 'name')) continue; // the entry's own name
      const value = values[e.keyword] ?? (e.keyword === 'action' ? '' : 'true');
      if (e.keyword === 'action' && object !== 'task' && object !== 'handler') continue;
      let pb = playbookWith(object, e.keyword, value);
      // a task with action: must not also name debug
      if (e.keyword === 'action') pb = { ...pb, files: { 'site.yml': `- hosts: all\n  ${object === 'handler' ? 'handlers' : 'tasks'}:\n    - name: a\n      action: debug msg=x\n` } };
      if (e.keyword === 'block' || e.keyword === 'rescue' || e.keyword === 'always') pb = { ...pb, files: { 'site.yml': `- hosts: all\n  tasks:\n    - block: [{debug: {msg: y}}]\n      ${e.keyword === 'block' ? '' : `${e.keyword}: []`}\n` } };
      const dir = write(pb.files);
      assert.doesNotThrow(() => new PlaybookLoader().load(join(dir, 'site.yml')), `${e.keyword} on ${object}`);
      loaded++;
    }
  }
  assert.ok(loaded > 150, `only ${loaded} keyword/object pairs loaded`);
});

// Where each implemented keyword is shown to have its effect: a test file and the name (or the
// start of the name) of a test in it that runs a playbook using the keyword.
const K = 'test/integration/keywords/keywords.test.ts';
const PARITY = 'test/integration/parity/parity.test.ts';
const PROOFS: Record<string, [string, string]> = {
  action: [K, 'action, args, environment'],
  args: [K, 'action, args, environment'],
  environment: [K, 'action, args, environment'],
  vars_files: [K, 'action, args, environment'],
  connection: [K, 'action, args, environment'],
  ignore_unreachable: [K, 'action, args, environment'],
  force_handlers: [K, 'action, args, environment'],
  loop_var: [K, 'action, args, environment'],
  index_var: [K, 'action, args, environment'],
  extended: [K, 'action, args, environment'],
  label: [K, 'action, args, environment'],
  loop_control: [K, 'action, args, environment'],
  any_errors_fatal: [K, 'any_errors_fatal ends the later plays'],
  order: [K, 'order: inventory'],
  gather_facts: [K, 'templated gather_facts'],
  serial: [K, 'templated gather_facts'],
  ignore_errors: [K, 'templated gather_facts'],
  run_once: [K, 'templated gather_facts'],
  no_log: [K, 'templated gather_facts'],
  check_mode: [K, 'templated gather_facts'],
  diff: [K, 'templated gather_facts'],
  vars: [K, 'templated gather_facts'],
  tags: [K, 'tags on include_tasks'],
  roles: [K, 'role dependencies from meta'],
  role: [K, 'role dependencies from meta'],
  module_defaults: [K, 'module_defaults fill in'],
  delegate_facts: [K, 'delegate_facts puts'],
  delegate_to: [K, 'delegate_facts puts'],
  loop: [K, 'include_role with a loop'],
  when: [K, 'include_role with a loop'],
  name: [K, 'a templated play name'],
  become: [K, 'a templated play name'],
  become_user: [K, 'a templated play name'],
  become_method: [K, 'a templated play name'],
  become_flags: [K, 'a templated play name'],
  register: [K, 'a templated play name'],
  throttle: [K, 'throttle: 1'],
  hosts: [K, 'order: inventory'],
  tasks: [K, 'order: inventory'],
  block: [PARITY, 'control flow'],
  rescue: [PARITY, 'control flow'],
  always: [PARITY, 'control flow'],
  changed_when: [PARITY, 'control flow'],
  failed_when: [PARITY, 'control flow'],
  until: [PARITY, 'control flow'],
  retries: [PARITY, 'control flow'],
  delay: [PARITY, 'control flow'],
  notify: [PARITY, 'control flow'],
  listen: [PARITY, 'control flow'],
  handlers: [PARITY, 'control flow'],
  pre_tasks: [PARITY, 'roles and import_playbook'],
  post_tasks: [PARITY, 'roles and import_playbook'],
  max_fail_percentage: [PARITY, 'several hosts, serial, run_once, max_fail_percentage'],
  strategy: ['test/integration/cli/play-cli.test.ts', 'strategy free and forks'],
  gather_subset: ['test/integration/cli/cli-modules.test.ts', "a play\\'s gather_subset narrows"],
  port: ['test/integration/cli/connection-keywords.test.ts', 'port: on a play, block or task'],
  remote_user: ['test/integration/cli/connection-flags.test.ts', 'a play or task remote_user beats -u'],
  timeout: ['test/integration/interrupts/local-interrupt.test.ts', 'task timeout: the command group is killed'],
  pause: ['test/integration/keywords/keywords.test.ts', 'loop_control pause waits'],
};

test('every implemented keyword names a test that runs a playbook using it, and that test exists', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  for (const e of KEYWORD_TABLE.filter((k) => k.status === 'implemented')) {
    const proof = PROOFS[e.keyword];
    assert.ok(proof, `no test named for implemented keyword '${e.keyword}'`);
    const text = readFileSync(join(root, proof[0]), 'utf8');
    assert.ok(text.includes(proof[1]), `${proof[0]} has no test '${proof[1]}' (for '${e.keyword}')`);
    // the proof's file uses the keyword (a fixture playbook for the parity cases)
    const used = proof[0] === PARITY ? ['control.yml', 'roles-play.yml', 'multi.yml'].map((f) => readFileSync(join(root, 'test/fixtures/parity', f), 'utf8')).join('\n') : text;
    assert.match(used, new RegExp(`\\b${e.keyword}:`), `${proof[0]} never writes '${e.keyword}:'`);
  }
});
