// One table of cluster vars: the role defaults the playbook uses and the README's table must
// say what src/cluster/cluster-config.ts says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CLUSTER_VARS } from '../../../src/cluster/cluster-config.js';

test('the kube-common role defaults carry every cluster var with the same default', () => {
  const defaults = parse(readFileSync('playbooks/cluster/roles/kube-common/defaults/main.yml', 'utf8')) as Record<string, unknown>;
  for (const v of CLUSTER_VARS) {
    if (v.default === undefined) assert.ok(!(v.name in defaults) || v.name === 'skydns_server', `${v.name} has no default in the table`);
    else assert.equal(String(defaults[v.name]), String(v.default), v.name);
  }
});

test('the README lists every cluster var with its default and meaning', () => {
  const readme = readFileSync('README.md', 'utf8');
  for (const v of CLUSTER_VARS) {
    const def = v.default === undefined ? '—' : v.default === '' ? '(empty)' : `\`${v.default}\``;
    assert.ok(readme.includes(`| \`${v.name}\` | ${def} | ${v.description} |`), `README row for ${v.name}`);
  }
});
