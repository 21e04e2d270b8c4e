// The whole differential corpus (every case file and the seeded generated cases) through real
// ansible-core and Drover: every divergence must be one the allow-list explains with its
// reason, and every allow-list entry must still explain something.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allCases } from './all-cases.js';
import { ALLOW_LIST } from './allow-list.js';
import { checkAllowList } from './allow-list-check.js';
import { runAnsible } from './ansible-side.js';
import { runDrover } from './drover-side.js';
import { readmeSection, readReadme } from './readme-claims.js';

test('every differential case equals ansible-core, apart from the reasoned allow-list (which has no stale entry)', () => {
  const cases = allCases();
  const verdict = checkAllowList(cases, runAnsible(cases).results, runDrover(cases));
  assert.deepEqual(verdict.unexplained, [], 'divergences from Ansible that no allow-list entry explains (npm run differential lists them)');
  assert.deepEqual(verdict.stale, [], 'allow-list entries or ids that explain nothing any more: delete them');
  // README's table of entries states how many cases each explains: it must be this run's count
  const section = readmeSection(readReadme(), '### Differential testing: expressions, templates and YAML against ansible-core');
  const rows = Object.fromEntries([...section.matchAll(/^\| `([^`]+)` \| (\d+) \|/gm)].map((m) => [m[1]!, Number(m[2])]));
  const counts = Object.fromEntries(Object.entries(verdict.allowed).map(([name, ids]) => [name, ids.length]));
  assert.deepEqual(rows, counts, "README's allow-list table differs from allow-list.ts and this run (npm run differential prints the counts)");
});

test('the allow-list is short and every entry says why', () => {
  assert.ok(ALLOW_LIST.length <= 12, `${ALLOW_LIST.length} entries`);
  for (const e of ALLOW_LIST) {
    assert.ok(e.reason.length >= 40, `${e.name}: the reason is missing or too short`);
    assert.ok(e.ids?.length || e.match, `${e.name}: matches nothing`);
  }
  assert.equal(new Set(ALLOW_LIST.map((e) => e.name)).size, ALLOW_LIST.length, 'entry names are unique');
});
