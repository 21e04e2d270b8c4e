// Every lookup Drover runs, against real Ansible: the cases of corpus/lookups.yml that call
// each lookup go through ansible-core's Templar and Drover's, and must come out identical
// (value and type, text byte for byte, error vs no error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadCorpus } from './load-corpus.js';
import { divergencesFrom } from './same-as-ansible.js';
import { LOOP_LOOKUPS } from '../../src/templating/lookups/registry.js';

const cases = loadCorpus(join(import.meta.dirname, 'corpus')).filter((c) => c.area === 'lookups');
const vars = cases[0]!.vars!;

/** The corpus inputs that call lookup `name` (by lookup, query or q). */
function inputsOf(name: string): string[] {
  const re = new RegExp(`\\b(?:lookup|query|q)\\('(?:ansible\\.builtin\\.)?${name}'`);
  return [...new Set(cases.filter((c) => re.test(c.input)).map((c) => c.input))];
}

for (const name of LOOP_LOOKUPS) {
  test(`lookup '${name}' gives what Ansible's gives (lookup, query, errors=, options)`, () => {
    const inputs = inputsOf(name);
    assert.ok(inputs.length >= 1, `corpus/lookups.yml has no case for ${name}`);
    assert.deepEqual(divergencesFrom(inputs, ['value', 'text'], vars), []);
  });
}

test('an unknown lookup is an error, a collection-prefixed builtin runs, undefined terms are errors', () => {
  const inputs = ["{{ lookup('no_such_lookup', 'x') }}", "{{ lookup('ansible.builtin.items', [1]) }}", "{{ lookup('items', undefined_thing) }}", "{{ lookup('items', '{{ who }}') }}"];
  assert.deepEqual(divergencesFrom(inputs, ['value', 'text'], vars), []);
});
