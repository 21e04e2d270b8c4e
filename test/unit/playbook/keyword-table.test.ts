// The keyword table must list exactly the FieldAttributes of the installed Ansible, and every
// keyword it refuses must fail at load (exit-5 InputError) naming the keyword and where it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
