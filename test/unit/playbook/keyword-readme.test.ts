// README's keyword table must be the one rendered from keyword-table.ts, and the README's prose
// about playbook features must not name as supported a keyword the table refuses.
// UPDATE_README=1 rewrites the table in README.md instead of failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { KEYWORD_TABLE } from '../../../src/playbook/keyword-table.js';
import { keywordTableMarkdown } from '../../../src/playbook/keyword-table-markdown.js';

const README = join(ROOT, 'README.md');
const START = '<!-- keyword-table:start (generated from src/playbook/keyword-table.ts) -->';
const END = '<!-- keyword-table:end -->';

test("README's keyword table is the keyword table (every keyword, Drover's status, the templated column)", () => {
  const text = readFileSync(README, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  assert.ok(a >= 0 && b > a, 'README has no keyword table markers');
  const want = `${START}\n${keywordTableMarkdown()}\n${END}`;
  const have = text.slice(a, b + END.length);
  if (process.env.UPDATE_README === '1' && have !== want) writeFileSync(README, text.slice(0, a) + want + text.slice(b + END.length));
  else assert.equal(have, want, 'README keyword table is stale: run with UPDATE_README=1');
  for (const e of KEYWORD_TABLE) assert.ok(have.includes(`| \`${e.keyword}\` |`), `README omits '${e.keyword}'`);
});

test('README names no refused keyword as a supported play or task feature', () => {
  const text = readFileSync(README, 'utf8');
  const features = text.slice(text.indexOf('## Playbook features'), text.indexOf('### Modules'));
  assert.ok(features.length > 500, 'Playbook features section not found');
  const refused = new Set(KEYWORD_TABLE.filter((e) => e.status === 'refused').map((e) => e.keyword));
  const named = [...features.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
  assert.deepEqual(named.filter((k) => refused.has(k)), []);
  // and every implemented play keyword is named there
  const missing = KEYWORD_TABLE.filter((e) => e.status === 'implemented' && e.objects.includes('play') && !features.includes(`\`${e.keyword}\``)).map((e) => e.keyword);
  assert.deepEqual(missing, [], 'implemented play keywords the Playbook features section does not name');
});
