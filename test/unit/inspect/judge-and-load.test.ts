// Judging rules, overrides, history marking and the check loader: no hosts needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { effectiveRule, judgeSpread, judgeValue } from '../../../src/inspect/judge-rule.js';
import { loadChecks, selectChecks } from '../../../src/inspect/load-checks.js';
import { hostOverride } from '../../../src/inspect/overrides.js';
import { markNew } from '../../../src/inspect/report-history.js';
import { readOutput } from '../../../src/inspect/yaml-check.js';
import { exitCodeOf, sortFindings, type InspectReport } from '../../../src/inspect/inspect-report.js';
import { InputError } from '../../../src/cli/errors.js';
import type { Finding } from '../../../src/inspect/check-contract.js';

test('max thresholds: ok, warning above warning, critical above critical; not a number fails at the severity', () => {
  const rule = { max: { warning: 80, critical: 90 } };
  assert.equal(judgeValue(rule, 'critical', '80').status, 'ok');
  assert.equal(judgeValue(rule, 'critical', '80.5').status, 'warning');
  assert.equal(judgeValue(rule, 'critical', '91').status, 'critical');
  assert.match(judgeValue(rule, 'critical', '91').message, /above the critical level 90/);
  assert.equal(judgeValue(rule, 'warning', 'n/a').status, 'warning');
  assert.equal(judgeValue(rule, 'critical', '').status, 'critical');
});

test('min thresholds judge days to expiry: negative (expired) is critical', () => {
  const rule = { min: { warning: 30, critical: 7 } };
  assert.equal(judgeValue(rule, 'critical', '365').status, 'ok');
  assert.equal(judgeValue(rule, 'critical', '20').status, 'warning');
  assert.equal(judgeValue(rule, 'critical', '-3').status, 'critical');
});

test('match, not_match and equals fail at the check severity', () => {
  assert.equal(judgeValue({ match: '^active$' }, 'warning', 'active\n').status, 'ok');
  assert.equal(judgeValue({ match: '^active$' }, 'warning', 'failed').status, 'warning');
  assert.equal(judgeValue({ notMatch: 'ERROR' }, 'critical', 'all good').status, 'ok');
  assert.match(judgeValue({ notMatch: 'ERROR \\d+' }, 'critical', 'x ERROR 42 y').message, /ERROR 42/);
  assert.equal(judgeValue({ equals: 'enforcing' }, 'critical', 'enforcing\n').status, 'ok');
  assert.equal(judgeValue({ equals: 'enforcing' }, 'critical', 'permissive').status, 'critical');
});

test('overrides replace thresholds of the rule kind in use', () => {
  assert.deepEqual(effectiveRule({ max: { warning: 80, critical: 90 } }, { critical: 50 }).max, { warning: 80, critical: 50 });
  assert.deepEqual(effectiveRule({ min: { warning: 30, critical: 7 } }, { warning: 60 }).min, { warning: 60, critical: 7 });
  assert.deepEqual(effectiveRule({ match: 'x' }, { critical: 1 }), { match: 'x' });
});

test('fleet spread: only hosts outside the most common value fail, and only past distinct_max', () => {
  const v = judgeSpread(new Map([['a', '6.1'], ['b', '6.1'], ['c', '5.10']]), 1, 'warning');
  assert.equal(v.get('a')!.status, 'ok');
  assert.equal(v.get('c')!.status, 'warning');
  assert.match(v.get('c')!.message, /most common 6\.1 \(2 distinct/);
  assert.equal(judgeSpread(new Map([['a', '6.1'], ['c', '5.10']]), 2, 'warning').get('c')!.status, 'ok');
});

test('items output: the last word is the value, the rest the item (paths with spaces survive)', () => {
  assert.deepEqual(readOutput('items', '/ 12\n/my data 80\n\n'), [{ item: '/', value: '12' }, { item: '/my data', value: '80' }]);
  assert.deepEqual(readOutput('number', ' 7\n'), [{ value: '7' }]);
});

test('exit code: 2 with any critical, 1 with warnings only, 0 otherwise; failures sort first', () => {
  const f = (status: Finding['status'], check = 'c'): Finding => ({ check, host: 'h', status, message: '' });
  assert.equal(exitCodeOf([f('ok'), f('warning'), f('critical')]), 2);
  assert.equal(exitCodeOf([f('ok'), f('warning')]), 1);
  assert.equal(exitCodeOf([f('ok')]), 0);
  assert.deepEqual(sortFindings([f('ok', 'a'), f('warning', 'a'), f('critical', 'z')]).map((x) => x.status), ['critical', 'warning', 'ok']);
});

test('markNew: failing now and not failing in the previous report; nothing new without one', () => {
  const prev = { findings: [{ check: 'disk-use', host: 'h1', item: '/', status: 'critical', message: '' }] } as unknown as InspectReport;
  const now: Finding[] = [
    { check: 'disk-use', host: 'h1', item: '/', status: 'critical', message: '' },
    { check: 'zombie-processes', host: 'h2', status: 'warning', message: '' },
    { check: 'memory-use', host: 'h2', status: 'ok', message: '' },
  ];
  assert.deepEqual(markNew(now, prev).map((x) => Boolean(x.isNew)), [false, true, false]);
  assert.deepEqual(markNew(now, undefined).map((x) => Boolean(x.isNew)), [false, false, false]);
});

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drover-inspect-unit-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
  return dir;
}

test('loader: built-ins load; a user check with the same id replaces it; --only/--skip by tag or id', async () => {
  const builtin = await loadChecks([]);
  for (const id of ['disk-use', 'inode-use', 'memory-use', 'load-per-core', 'clock-offset', 'zombie-processes', 'open-files', 'kernel-version', 'certificates', 'etcd-member', 'apiserver-healthz', 'leader-locks', 'nodes-ready', 'version-skew', 'pods-restarting', 'pods-pending']) assert.ok(builtin.some((c) => c.id === id), id);
  const dir = dirWith({ 'disk.yml': 'id: disk-use\ncommand: echo 1\nrule: {max: {critical: 0}}\ntags: [mine]\n' });
  const all = await loadChecks([dir]);
  assert.equal(all.find((c) => c.id === 'disk-use')!.source, join(dir, 'disk.yml'));
  assert.deepEqual(selectChecks(all, ['mine'], []).map((c) => c.id), ['disk-use']);
  assert.ok(!selectChecks(all, [], ['hosts']).some((c) => c.tags.includes('hosts')));
  assert.deepEqual(selectChecks(all, ['certificates'], []).map((c) => c.id), ['certificates']);
});

async function loadError(text: string): Promise<InputError> {
  const dir = dirWith({ 'bad.yml': text });
  const err = await loadChecks([dir], { builtin: false }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof InputError, String(err));
  assert.equal(err.file, join(dir, 'bad.yml'));
  return err;
}

test('loader errors carry file:line:col: unknown field, bad severity, bad regex, YAML syntax', async () => {
  let e = await loadError('id: x\ncommand: "true"\nrule: {max: {critical: 1}}\nseverty: critical\n');
  assert.deepEqual([e.line, e.col], [4, 1]);
  assert.match(e.message, /unknown check field 'severty'/);
  e = await loadError('id: x\ncommand: "true"\nseverity: fatal\nrule:\n  max: {critical: 1}\n');
  assert.deepEqual([e.line, e.col], [3, 1]);
  e = await loadError('id: x\ncommand: "true"\nrule:\n  match: "(["\n');
  assert.deepEqual([e.line, e.col], [4, 3]);
  e = await loadError('id: x\ncommand: "true"\nrule:\n  max: {critical: 1\n');
  assert.ok(e.line! >= 4, e.format());
  e = await loadError('id: x\ncommand: "true"\nrule:\n  max: {critical: lots}\n');
  assert.match(e.format(), /bad\.yml:4:\d+: threshold 'critical' must be a number/);
});

test('inspect_overrides: thresholds and declared params; an unknown param is an input error', async () => {
  const certs = (await loadChecks([])).find((c) => c.id === 'certificates')!;
  const ov = hostOverride(certs, 'h1', { inspect_overrides: { certificates: { dirs: ['/a', '/b'], warning: '60' } } });
  assert.deepEqual([ov.params.dirs, ov.thresholds.warning], ['/a /b', 60]);
  assert.throws(() => hostOverride(certs, 'h1', { inspect_overrides: { certificates: { dir: '/a' } } }), /has no param 'dir'/);
  assert.throws(() => hostOverride(certs, 'h1', { inspect_overrides: { certificates: { critical: 'soon' } } }), /must be a number/);
});

test('module checks: a .mjs and a .ts module from a user dir load with the same contract and run', async () => {
  const dir = dirWith({
    'uptime.mjs': "export default { id: 'uptime-days', tags: ['mine'], rule: { min: { warning: 1 } }, async run(ctx) { const r = await ctx.exec('x'); return [{ value: r.stdout }]; } };\n",
    'typed.ts': "const days: number = 3;\nexport default { id: 'typed', severity: 'warning', rule: { max: { critical: 2 } }, async run() { return [{ value: String(days) }]; } };\n",
  });
  const checks = await loadChecks([dir], { builtin: false });
  assert.deepEqual(checks.map((c) => c.id).sort(), ['typed', 'uptime-days']);
  const ctx = { host: 'h', vars: {}, params: {}, exec: async () => ({ rc: 0, stdout: '0.5', stderr: '' }) };
  assert.deepEqual(await checks.find((c) => c.id === 'uptime-days')!.run(ctx), [{ value: '0.5' }]);
  const typed = checks.find((c) => c.id === 'typed')!;
  assert.deepEqual([typed.severity, judgeValue(typed.rule, typed.severity, (await typed.run(ctx))[0]!.value).status], ['warning', 'critical']);
  const broken = dirWith({ 'bad.mjs': 'export default { id: "Bad Id" };\n' });
  await assert.rejects(loadChecks([broken], { builtin: false }), (e: unknown) => e instanceof InputError && e.file!.endsWith('bad.mjs'));
});

test('a YAML check whose command exits non-zero fails at its severity with the command output', async () => {
  const dir = dirWith({ 'svc.yml': 'id: svc\nseverity: warning\ncommand: systemctl is-active x\nrule: {match: active}\n' });
  const [check] = await loadChecks([dir], { builtin: false });
  const obs = await check!.run({ host: 'h', vars: {}, params: {}, exec: async () => ({ rc: 3, stdout: 'inactive\n', stderr: '' }) });
  assert.deepEqual(obs, [{ value: '', status: 'warning', message: 'command failed (rc 3): inactive' }]);
});
