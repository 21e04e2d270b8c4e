// The whole differential corpus (every case file and the seeded generated cases) through real
// Ansible and Drover, held against baseline.json: no case outside the baseline may diverge,
// and a case that now matches Ansible must leave the baseline. This is a ratchet of the
// divergences known today, not the reasoned allow-list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allCases } from './all-cases.js';
import { runAnsible } from './ansible-side.js';
import { againstBaseline, readBaseline } from './baseline.js';
import { compareAll } from './compare-outcomes.js';
import { runDrover } from './drover-side.js';

test('every differential case equals ansible-core, apart from the known divergences in baseline.json (which only shrinks)', () => {
  const baseline = readBaseline();
  const cases = allCases(baseline.seed, baseline.generated);
  const ansible = runAnsible(cases);
  const { divergences } = compareAll(cases, ansible.results, runDrover(cases));
  const { regressions, nowEqual, gone } = againstBaseline(baseline, new Set(cases.map((c) => c.id)), divergences);
  const hint = '(npm run differential -- --show 50 shows them; after a deliberate change, -- --write-baseline rewrites baseline.json)';
  assert.deepEqual(
    regressions.map((d) => `${d.id} ${d.mode} ${JSON.stringify(d.input)}: ansible ${d.ansible}, drover ${d.other}`),
    [],
    `cases that diverge from Ansible and are not in baseline.json ${hint}`,
  );
  assert.deepEqual(nowEqual, [], `cases now equal to Ansible: delete them from baseline.json ${hint}`);
  assert.deepEqual(gone, [], 'baseline.json lists ids the corpus no longer has');
});
