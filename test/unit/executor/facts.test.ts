import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { FACTS_COMMAND, processFacts } from '../../../src/executor/facts.js';

test('the facts command runs under plain sh and yields the fact set', () => {
  const out = execFileSync('/bin/sh', ['-c', FACTS_COMMAND], { encoding: 'utf8', env: { ...process.env, DROVER_FACT_PROBE: 'yes' } });
  const f = processFacts(out);
  assert.equal(f.system, 'Linux');
  assert.equal(f.hostname, execFileSync('hostname', { encoding: 'utf8' }).trim().split('.')[0]);
  assert.ok(Number(f.processor_vcpus) >= 1);
  assert.ok(Number(f.memtotal_mb) > 0);
  assert.equal((f.env as Record<string, string>).DROVER_FACT_PROBE, 'yes');
  assert.match(String((f.date_time as Record<string, string>).iso8601), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('os-release maps to Ansible distribution and family names', () => {
  const f = processFacts('system=Linux\nos_ID=ubuntu\nos_VERSION_ID=22.04\nos_VERSION_CODENAME=jammy\n---env---\n');
  assert.equal(f.distribution, 'Ubuntu');
  assert.equal(f.os_family, 'Debian');
  assert.equal(f.distribution_major_version, '22');
  assert.equal(f.distribution_release, 'jammy');
});
