// drover inspect on a loopback fleet: each built-in host check fails when its condition is
// planted and passes once it is removed; a user's YAML check runs; a broken check file is
// exit 5 with file:line:col; an unreachable host is a critical finding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { drover } from '../../helpers/cli.js';
import { failures, inspectJson, writeInventory } from './inspect-fleet.js';

let fleet: Fleet;
let dir: string;

before(async () => {
  fleet = await startFleet({ hosts: 3, name: 'inspect-checks', subnet: 54 });
  dir = mkdtempSync(join(tmpdir(), 'drover-inspect-'));
});

after(async () => {
  await fleet?.stop();
});

function sh(host: string, cmd: string): string {
  const r = fleet.exec(host, cmd);
  assert.equal(r.rc, 0, `${host}: ${cmd}: ${r.stderr}`);
  return r.stdout;
}

test('every default check passes on a clean fleet (exit 0), over one run with all checks', async () => {
  const inv = writeInventory(fleet, dir);
  const { res, findings, report } = await inspectJson(['-i', inv]);
  assert.deepEqual(failures(findings), []);
  assert.equal(res.code, 0, res.stderr);
  const ran = new Set(findings.map((f) => f.check));
  for (const id of ['host-reachable', 'disk-use', 'inode-use', 'memory-use', 'load-per-core', 'clock-offset', 'zombie-processes', 'open-files', 'kernel-version']) assert.ok(ran.has(id), `${id} ran`);
  assert.equal(report.summary.hosts, 3);
});

test('disk-use: a filled file over the group threshold is critical on that host only, then passes', async () => {
  const inv = writeInventory(fleet, dir, { planted: { hosts: ['host1'], vars: { inspect_overrides: { 'disk-use': { critical: 10 } } } } });
  sh('host1', 'head -c 157286400 /dev/zero > /root/fill');
  let r = await inspectJson(['-i', inv, '--only', 'disk-use']);
  assert.deepEqual(failures(r.findings), ['disk-use host1 / critical']);
  assert.equal(r.res.code, 2);
  sh('host1', 'rm /root/fill');
  r = await inspectJson(['-i', inv, '--only', 'disk-use']);
  assert.deepEqual(failures(r.findings), []);
  assert.equal(r.res.code, 0);
});

test('inode-use: many small files over the threshold fail, removing them passes', async () => {
  const inv = writeInventory(fleet, dir, { planted: { hosts: ['host2'], vars: { inspect_overrides: { 'inode-use': { critical: 1 } } } } });
  sh('host2', 'mkdir -p /root/many && cd /root/many && seq 1 40000 | xargs touch');
  let r = await inspectJson(['-i', inv, '--only', 'inode-use']);
  assert.deepEqual(failures(r.findings), ['inode-use host2 / critical']);
  sh('host2', 'rm -rf /root/many');
  r = await inspectJson(['-i', inv, '--only', 'inode-use']);
  assert.deepEqual(failures(r.findings), []);
});

test('certificates: a certificate expiring in 3 days is critical, a 1-year one is ok; removing it passes', async () => {
  const inv = writeInventory(fleet, dir);
  const mk = (name: string, days: number): string => `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /etc/inspect-certs/${name}.key -out /etc/inspect-certs/${name}.pem -days ${days} -subj /CN=${name} 2>/dev/null`;
  sh('host3', `mkdir -p /etc/inspect-certs && ${mk('expiring', 3)} && ${mk('fresh', 365)}`);
  let r = await inspectJson(['-i', inv, '--only', 'certificates']);
  assert.deepEqual(failures(r.findings), ['certificates host3 /etc/inspect-certs/expiring.pem critical']);
  const fresh = r.findings.find((f) => f.item === '/etc/inspect-certs/fresh.pem');
  assert.equal(fresh?.status, 'ok');
  assert.ok(Number(fresh?.value) >= 363, `days ${fresh?.value}`);
  assert.equal(r.res.code, 2);
  sh('host3', 'rm /etc/inspect-certs/expiring.pem');
  r = await inspectJson(['-i', inv, '--only', 'certificates']);
  assert.deepEqual(failures(r.findings), []);
});

test('zombie-processes: an unreaped child is a warning (exit 1); once its parent ends, it passes', async () => {
  const inv = writeInventory(fleet, dir);
  // sh forks a child that exits at once, then becomes `sleep`, which never reaps it
  sh('host2', "setsid sh -c 'echo $$ > /run/zombie-parent; sleep 0 & exec sleep 300' </dev/null >/dev/null 2>&1 &");
  for (let i = 0; i < 50 && !/Z/.test(fleet.exec('host2', "cat /proc/[0-9]*/stat | sed 's/.*) //' | cut -c1 | tr -d '\\n'").stdout); i++) await new Promise((r) => setTimeout(r, 100));
  let r = await inspectJson(['-i', inv, '--only', 'zombie-processes']);
  assert.deepEqual(failures(r.findings), ['zombie-processes host2 warning']);
  assert.equal(r.res.code, 1);
  sh('host2', 'kill $(cat /run/zombie-parent)');
  await new Promise((res) => setTimeout(res, 300));
  r = await inspectJson(['-i', inv, '--only', 'zombie-processes']);
  assert.deepEqual(failures(r.findings), []);
  assert.equal(r.res.code, 0);
});

test('clock-offset: a host whose clock reads 10 s ahead is critical; back in time, it passes', async () => {
  const inv = writeInventory(fleet, dir);
  // the fleet shares the machine's kernel clock, so the skew is planted as a `date` that lies
  sh('host1', `printf '%s\\n' '#!/bin/sh' 'exec /usr/bin/date -d "+10 seconds" "$@"' > /usr/local/bin/date && chmod 755 /usr/local/bin/date`);
  let r = await inspectJson(['-i', inv, '--only', 'clock-offset']);
  assert.deepEqual(failures(r.findings), ['clock-offset host1 critical']);
  assert.ok(Math.abs(Number(r.findings.find((f) => f.host === 'host1')!.value) - 10) < 1);
  sh('host1', 'rm /usr/local/bin/date');
  r = await inspectJson(['-i', inv, '--only', 'clock-offset']);
  assert.deepEqual(failures(r.findings), []);
});

test('kernel-version: the one host running another kernel is a warning (exit 1), then passes', async () => {
  const inv = writeInventory(fleet, dir);
  sh('host3', `printf '%s\\n' '#!/bin/sh' '[ "$1" = -r ] && { echo 5.10.0-99-old; exit 0; }' 'exec /usr/bin/uname "$@"' > /usr/local/bin/uname && chmod 755 /usr/local/bin/uname`);
  let r = await inspectJson(['-i', inv, '--only', 'kernel-version']);
  assert.deepEqual(failures(r.findings), ['kernel-version host3 warning']);
  assert.equal(r.res.code, 1);
  sh('host3', 'rm /usr/local/bin/uname');
  r = await inspectJson(['-i', inv, '--only', 'kernel-version']);
  assert.deepEqual(failures(r.findings), []);
});

test('memory, load and open files fail on the group whose thresholds are set below the current use, pass without', async () => {
  // shared-kernel figures cannot be pushed per host, so the condition is planted by the threshold
  const low = { 'memory-use': { critical: 0.01 }, 'load-per-core': { warning: -1, critical: 1000 }, 'open-files': { warning: 0, critical: 0.00001 } };
  const inv = writeInventory(fleet, dir, { planted: { hosts: ['host2'], vars: { inspect_overrides: low } } });
  let r = await inspectJson(['-i', inv, '--only', 'memory-use', '--only', 'load-per-core', '--only', 'open-files']);
  assert.deepEqual(failures(r.findings), ['load-per-core host2 warning', 'memory-use host2 critical', 'open-files host2 critical']);
  r = await inspectJson(['-i', writeInventory(fleet, dir), '--only', 'memory-use', '--only', 'load-per-core', '--only', 'open-files']);
  assert.deepEqual(failures(r.findings), []);
});

test('a custom YAML check from --checks runs with its own rule and remediation', async () => {
  const checks = mkdtempSync(join(dir, 'checks-'));
  // the README's example, as written there
  writeFileSync(join(checks, 'maintenance.yml'), `id: maintenance-flag              # lower-case; also usable as a tag
description: No host is left in maintenance mode
tags: [ops]                       # for --only / --skip
hosts: all                        # inventory pattern (default all)
severity: warning                 # critical (default) or warning: what match/equals failures are worth
output: text                      # number (default) | text | items ("ITEM VALUE" per line, judged one by one)
params: {flag: /etc/maintenance}  # shell variables the command sees; overridable per group
command: test -e "$flag" && echo on || echo off
rule:                             # one of: max/min {warning, critical} | match | not_match | equals; fleet checks: distinct_max
  equals: "off"
remediation: rm /etc/maintenance once the work is done
timeout: 30                       # seconds
`);
  const inv = writeInventory(fleet, dir);
  sh('host2', 'touch /etc/maintenance');
  let r = await inspectJson(['-i', inv, '--checks', checks, '--only', 'ops']);
  assert.deepEqual(failures(r.findings), ['maintenance-flag host2 warning']);
  assert.equal(r.findings.find((f) => f.status !== 'ok')!.message, 'expected "off", got "on"');
  assert.equal(r.res.code, 1);
  const table = await drover(['inspect', '-i', inv, '--checks', checks, '--only', 'ops']);
  assert.match(table.stdout, /== maintenance-flag: No host is left in maintenance mode — 1 failing, 2 host\(s\) ok/);
  assert.match(table.stdout, /fix: rm \/etc\/maintenance once the work is done/);
  assert.ok(!table.stdout.includes('\u001b['), 'plain when not a TTY');
  sh('host2', 'rm /etc/maintenance');
  r = await inspectJson(['-i', inv, '--checks', checks, '--only', 'ops']);
  assert.deepEqual(failures(r.findings), []);
  assert.equal(r.res.code, 0);
});

test('a broken check file: exit 5 with file:line:col, and no host is contacted', async () => {
  const checks = mkdtempSync(join(dir, 'broken-'));
  const file = join(checks, 'broken.yml');
  writeFileSync(file, 'id: broken\ncommand: "true"\nrule:\n  max: {critical: 1}\n  between: [1, 2]\n');
  const res = await drover(['inspect', '-i', writeInventory(fleet, dir), '--checks', checks]);
  assert.equal(res.code, 5, res.stderr);
  assert.match(res.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:3: unknown rule 'between'`));
  assert.equal(res.stdout, '');
});

test('an unreachable host is a critical finding (exit 2) and the others are still inspected', async () => {
  const inv = writeInventory(fleet, dir);
  fleet.killSshd('host3');
  const r = await inspectJson(['-i', inv, '--only', 'disk-use', '--connect-timeout', '3']);
  assert.deepEqual(failures(r.findings), ['host-reachable host3 critical']);
  assert.equal(r.res.code, 2);
  assert.equal(r.report.summary.unreachable, 1);
  assert.ok(r.findings.some((f) => f.check === 'disk-use' && f.host === 'host1' && f.status === 'ok'));
});
