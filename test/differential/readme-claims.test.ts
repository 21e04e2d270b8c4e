// README.md never claims more than is proven: every filter, test and lookup its Templating
// section lists is registered in Drover and has at least one differential case equal to
// ansible-core; every keyword its Compatibility section names is implemented (or, in the
// "Not supported yet" paragraph, refused) in the keyword table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYWORD_TABLE } from '../../src/playbook/keyword-table.js';
import { findLookup } from '../../src/templating/lookups/registry.js';
import { createTemplar } from '../../src/templating/templar.js';
import { allCases } from './all-cases.js';
import { runAnsible } from './ansible-side.js';
import { divergence } from './compare-outcomes.js';
import { runDrover } from './drover-side.js';
import { keywordClaims, readReadme, templatingClaims, usesName } from './readme-claims.js';

test('every keyword the Compatibility section names is implemented, or refused where it says "Not supported yet"', () => {
  const known = new Set(KEYWORD_TABLE.map((e) => e.keyword));
  const { implemented, refused } = keywordClaims(readReadme(), known);
  assert.ok(implemented.length >= 5 && refused.length >= 3, `too few keyword claims found: ${implemented.length} implemented, ${refused.length} refused`);
  const status = (k: string): string | undefined => KEYWORD_TABLE.find((e) => e.keyword === k)?.status;
  assert.deepEqual(implemented.filter((k) => status(k) !== 'implemented' && !refused.includes(k)), [], 'named as working but not implemented in src/playbook/keyword-table.ts');
  assert.deepEqual(refused.filter((k) => status(k) !== 'refused'), [], 'named as not supported but implemented in the keyword table');
});

test('every filter, test and lookup the Templating section lists exists in Drover and has a differential case equal to ansible-core', () => {
  const claims = templatingClaims(readReadme());
  assert.ok(claims.filters.length > 50 && claims.tests.length > 20 && claims.lookups.length > 10, 'the lists were not found in full');
  const templar = createTemplar();
  const registered = (kind: 'filter' | 'test', name: string): boolean => {
    try {
      return templar.evaluate(`'${name}' is ${kind}`, {}) === true;
    } catch {
      return false;
    }
  };
  assert.deepEqual(claims.filters.filter((n) => !registered('filter', n)), [], 'filters listed but not registered');
  assert.deepEqual(claims.tests.filter((n) => !registered('test', n)), [], 'tests listed but not registered');
  assert.deepEqual(claims.lookups.filter((n) => !findLookup(n)), [], 'lookups listed but not implemented');

  const cases = allCases();
  const ansible = runAnsible(cases).results;
  const drover = runDrover(cases);
  const equalInputs = cases.filter((c, i) => c.mode !== 'yaml' && !divergence(ansible[i]!, drover[i]!) && !('error' in ansible[i]!)).map((c) => c.input);
  const unproven = (kind: 'filter' | 'test' | 'lookup', names: string[]): string[] => names.filter((n) => !equalInputs.some((input) => usesName(kind, n, input)));
  assert.deepEqual(unproven('filter', claims.filters), [], 'filters listed with no differential case equal to Ansible (add one to test/differential/corpus/)');
  assert.deepEqual(unproven('test', claims.tests), [], 'tests listed with no differential case equal to Ansible');
  assert.deepEqual(unproven('lookup', claims.lookups), [], 'lookups listed with no differential case equal to Ansible');
});

test('the claim readers find what a README lists, so a filter, test, lookup or keyword added to the prose is checked', () => {
  const readme = [
    '## Compatibility with Ansible',
    '',
    'Keywords `order` and `serial` work.',
    '',
    'Not supported yet: `vars_prompt`, `debugger`.',
    '',
    '### Templating',
    '',
    'Filters: `default/d nosuchfilter`; Tests: `odd nosuchtest`.',
    'Lookups (one plugin each; `lookup()`): `env`, `nosuchlookup`. As in Ansible.',
    '',
    '## Inventory',
  ].join('\n');
  assert.deepEqual(templatingClaims(readme), { filters: ['default', 'd', 'nosuchfilter'], tests: ['odd', 'nosuchtest'], lookups: ['env', 'nosuchlookup'] });
  assert.deepEqual(keywordClaims(readme, new Set(['order', 'serial', 'vars_prompt', 'debugger'])), { implemented: ['order', 'serial'], refused: ['vars_prompt', 'debugger'] });
  assert.ok(usesName('filter', 'ipv6', "xs | ansible.utils.ipv6") && usesName('test', 'odd', 'n is not odd') && usesName('lookup', 'env', "lookup('env', 'HOME')"));
  assert.ok(!usesName('filter', 'e', "x | escape") && !usesName('test', 'odd', "'odd' is test"));
});
