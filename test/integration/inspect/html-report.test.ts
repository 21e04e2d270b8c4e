// The HTML report in a real headless browser (Debian's chromium, in a network namespace of its
// own so the page cannot fetch anything): failures first and red, exactly the planted ones;
// a second report marks a newly planted failure as new (--history). Also: red/yellow on a TTY,
// and the webhook summary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { BIN, drover } from '../../helpers/cli.js';
import { failures, inspectJson, writeInventory } from './inspect-fleet.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';

let fleet: Fleet;
let dir: string;

before(async () => {
  fleet = await startFleet({ hosts: 3, name: 'inspect-html', subnet: 55 });
  dir = mkdtempSync(join(tmpdir(), 'drover-inspect-html-'));
});

after(async () => {
  await fleet?.stop();
});

function sh(host: string, cmd: string): void {
  const r = fleet.exec(host, cmd);
  assert.equal(r.rc, 0, `${host}: ${cmd}: ${r.stderr}`);
}

/** Open the page in chromium: the DOM after its script ran, and a screenshot. */
function browse(html: string, png: string): string {
  const args = ['--net', 'chromium', '--headless', '--no-sandbox', '--disable-gpu', '--window-size=1280,1600'];
  const shot = spawnSync('unshare', [...args, `--screenshot=${png}`, `file://${html}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(shot.status, 0, shot.stderr);
  assert.ok(readFileSync(png).subarray(1, 4).toString() === 'PNG', 'a PNG screenshot');
  console.log(`screenshot: ${png}`);
  const dom = spawnSync('unshare', [...args, '--dump-dom', `file://${html}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(dom.status, 0, dom.stderr);
  return dom.stdout;
}

interface Row {
  check: string;
  host: string;
  item: string;
  status: string;
  isNew: boolean;
  bg: string;
}

/** The rows of the failures section, in page order. */
function failureRows(dom: string): Row[] {
  const section = /<section id="failures">([\s\S]*?)<\/section>/.exec(dom)?.[1] ?? '';
  return [...section.matchAll(/<tr class="(\w+)"([^>]*)>/g)].map((m) => {
    const attr = (n: string): string => new RegExp(`data-${n}="([^"]*)"`).exec(m[2]!)?.[1] ?? '';
    return { status: m[1]!, check: attr('check'), host: attr('host'), item: attr('item'), isNew: attr('new') === 'yes', bg: attr('bg') };
  });
}

const RED = 'rgb(198, 40, 40)';
const YELLOW = 'rgb(249, 214, 72)';
const hist = (): string => join(dir, 'history');

test('first report: the failures section lists exactly the planted failures, red first, then yellow', async () => {
  const inv = writeInventory(fleet, dir, { planted: { hosts: ['host1'], vars: { inspect_overrides: { 'load-per-core': { warning: 1000, critical: 1000 }, 'disk-use': { critical: 10 } } } } });
  sh('host1', 'head -c 157286400 /dev/zero > /root/fill');
  sh('host2', 'mkdir -p /etc/inspect-certs && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /etc/inspect-certs/old.key -out /etc/inspect-certs/old.pem -days 2 -subj /CN=old 2>/dev/null');
  sh('host3', `printf '%s\\n' '#!/bin/sh' '[ "$1" = -r ] && { echo 5.10.0-99-old; exit 0; }' 'exec /usr/bin/uname "$@"' > /usr/local/bin/uname && chmod 755 /usr/local/bin/uname`);
  const html = join(dir, 'report-1.html');
  const res = await drover(['inspect', '-i', inv, '--html', html, '--history', hist()], { timeoutMs: 120_000 });
  assert.equal(res.code, 2, res.stderr + res.stdout);
  assert.match(res.stdout, /report kept: .*inspect-\d{8}T\d{9}Z\.json/);
  const page = readFileSync(html, 'utf8');
  assert.ok(!/(src|href)=["']?(https?:)?\/\//i.test(page), 'nothing fetched from the network');
  const dom = browse(html, join(dir, 'report-1.png'));
  assert.ok(dom.indexOf('id="summary"') < dom.indexOf('id="failures"') && dom.indexOf('id="failures"') < dom.indexOf('id="hosts"'), 'summary, then failures, then hosts');
  const rows = failureRows(dom);
  assert.deepEqual(rows.map((r) => `${r.check} ${r.host} ${r.item} ${r.status}`), ['certificates host2 /etc/inspect-certs/old.pem critical', 'disk-use host1 / critical', 'kernel-version host3  warning']);
  assert.deepEqual(rows.map((r) => r.bg), [RED, RED, YELLOW]);
  assert.ok(rows.every((r) => !r.isNew), 'no previous report: nothing marked new');
  assert.match(dom, /2 critical<\/span><span class="w">1 warning/);
});

test('second report: a newly planted failure is marked NEW, the old ones are not', async () => {
  const inv = writeInventory(fleet, dir, { planted: { hosts: ['host1'], vars: { inspect_overrides: { 'load-per-core': { warning: 1000, critical: 1000 }, 'disk-use': { critical: 10 } } } } });
  sh('host2', "setsid sh -c 'echo $$ > /run/zombie-parent; sleep 0 & exec sleep 300' </dev/null >/dev/null 2>&1 &");
  await new Promise((r) => setTimeout(r, 500));
  const html = join(dir, 'report-2.html');
  const res = await drover(['inspect', '-i', inv, '--html', html, '--history', hist()], { timeoutMs: 120_000 });
  assert.equal(res.code, 2, res.stderr);
  const rows = failureRows(browse(html, join(dir, 'report-2.png')));
  assert.deepEqual(rows.map((r) => `${r.check} ${r.host} ${r.isNew ? 'NEW' : 'old'}`), ['certificates host2 old', 'disk-use host1 old', 'kernel-version host3 old', 'zombie-processes host2 NEW']);
  assert.match(readFileSync(html, 'utf8'), /zombie-processes[^]*?<span class="badge new">NEW<\/span>|<span class="badge new">NEW<\/span><\/td><td>zombie-processes/);
  const kept = readdirSync(hist());
  assert.equal(kept.filter((n) => /^inspect-.*\.json$/.test(n)).length, 2);
  assert.deepEqual(kept.filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
  // the JSON report says the same
  const { findings } = await inspectJson(['-i', inv, '--history', hist(), '--only', 'zombie-processes']);
  assert.deepEqual(findings.filter((f) => f.isNew), [], 'a failure already in the previous report is not new again');
  sh('host2', 'kill $(cat /run/zombie-parent)');
});

test('on a TTY failures are red and warnings yellow', async () => {
  const inv = writeInventory(fleet, dir);
  // host3 still runs the "old kernel": a warning; host2's expiring certificate: critical
  const cmd = `${process.execPath} ${BIN} inspect -i ${inv} --only certificates --only kernel-version`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' }, timeout: 120_000 });
  const red = r.stdout.split('\n').find((l) => l.includes('old.pem'));
  const yellow = r.stdout.split('\n').find((l) => l.includes('5.10.0-99-old'));
  assert.ok(red?.includes('\u001b[31m'), `red row: ${JSON.stringify(red)}`);
  assert.ok(yellow?.includes('\u001b[33m'), `yellow row: ${JSON.stringify(yellow)}`);
});

test('--webhook receives the summary and the failures', async () => {
  const got: Record<string, any>[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.55.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const { res } = await inspectJson(['-i', writeInventory(fleet, dir), '--only', 'kernel-version', '--webhook', `http://127.55.0.1:${port}/hook`]);
    assert.equal(res.code, 1);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.event, 'inspect');
    assert.equal(got[0]!.exitCode, 1);
    assert.deepEqual(failures(got[0]!.failures), ['kernel-version host3 warning']);
  } finally {
    server.close();
  }
});

test('--mail-to e-mails the counts in the subject and every failure in the body', async () => {
  const sink = await startSmtpSink('127.55.0.1');
  try {
    const { res } = await inspectJson(['-i', writeInventory(fleet, dir), '--only', 'kernel-version', '--mail-to', 'oncall@example.test', '--smtp', `smtp://127.55.0.1:${sink.port}`]);
    assert.equal(res.code, 1);
    assert.equal(sink.mails.length, 1);
    assert.deepEqual(sink.mails[0]!.to, ['<oncall@example.test>']);
    assert.match(sink.mails[0]!.data, /^Subject: \[drover\] inspect: 1 warning$/m);
    assert.match(sink.mails[0]!.data, /^WARNING kernel-version host3: /m);
  } finally {
    await sink.close();
  }
});
