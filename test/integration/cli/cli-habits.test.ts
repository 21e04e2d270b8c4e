// The command line as Ansible users type it: flags before arguments, repeated -i/-e/-t,
// short usage errors with exit 5, unknown commands, --version with the commit, and shell
// completion. The real CLI over the local connection.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover, jsonEvents, ROOT } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-habits-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const inv1 = join(dir, 'inv1.yml');
const inv2 = join(dir, 'inv2.ini');
writeFileSync(inv1, 'all:\n  vars: {ansible_connection: local}\n  hosts:\n    alpha: {}\n    beta: {}\n');
writeFileSync(inv2, '[far]\ngamma ansible_connection=local\n');
const site = join(dir, 'site.yml');
writeFileSync(
  site,
  `- hosts: all
  gather_facts: false
  tasks:
    - name: first
      debug: {msg: "{{ a }}-{{ b }}"}
      tags: [one]
    - name: second
      debug: {msg: second}
      tags: [two]
    - name: third
      debug: {msg: third}
      tags: [three]
`,
);

/** Host and task of every ok result of a --json run. */
function oks(stdout: string): string[] {
  return jsonEvents(stdout)
    .filter((e) => e.type === 'host_result' && e.status === 'ok')
    .map((e) => `${e.host}:${e.task}`)
    .sort();
}

test('play: flags before the playbook, repeated -i, -e and -t', async () => {
  const res = await drover(['play', '-i', inv1, '-i', inv2, '-e', 'a=1', '-e', 'b=2', '-t', 'one', '-t', 'three', '--json', site]);
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(oks(res.stdout), ['alpha:first', 'alpha:third', 'beta:first', 'beta:third', 'gamma:first', 'gamma:third']);
  const first = jsonEvents(res.stdout).find((e) => e.type === 'host_result' && e.task === 'first');
  assert.equal(first?.result?.msg, '1-2');
});

test('inventory list -i INV PATTERN and run -i INV PATTERN', async () => {
  const list = await drover(['inventory', 'list', '-i', inv1, '-i', inv2, 'far']);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout.trim(), 'gamma');
  const run = await drover(['run', '-i', inv1, '-i', inv2, 'beta:far', '-m', 'debug', '-a', 'msg=hi', '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    jsonEvents(run.stdout).filter((e) => e.type === 'host_result' && e.status === 'ok').map((e) => e.host).sort(),
    ['beta', 'gamma'],
  );
});

/** A usage error: exit 5, one or two short lines on stderr, no help text, nothing on stdout. */
function assertUsageError(res: { code: number; stdout: string; stderr: string }, what: RegExp, help: string): void {
  assert.equal(res.code, 5, `exit code: ${res.code}\n${res.stderr}`);
  const lines = res.stderr.trim().split('\n');
  assert.ok(lines.length <= 2, `short message expected, got:\n${res.stderr}`);
  assert.match(lines[0]!, what);
  assert.equal(lines[1], `See ${help} --help`);
  assert.doesNotMatch(res.stderr, /USAGE|FLAGS/);
  assert.equal(res.stdout, '');
}

test('usage errors exit 5 with a short message, never 2 and never the full help', async () => {
  assertUsageError(await drover(['play']), /^ERROR! missing argument PLAYBOOK$/, 'drover play');
  assertUsageError(await drover(['play', site, '--no-such-flag']), /Nonexistent flag: --no-such-flag/, 'drover play');
  assertUsageError(await drover(['play', site, '-f', 'many']), /--forks.*Expected an integer/, 'drover play');
  assertUsageError(await drover(['run', '-i', inv1]), /missing argument PATTERN/, 'drover run');
  assertUsageError(await drover(['inventory', 'list', '-i', inv1, 'all', 'extra']), /Unexpected argument: extra/, 'drover inventory list');
});

test('unknown commands exit 5 with a short message', async () => {
  assertUsageError(await drover(['plya', site]), /^ERROR! unknown command 'plya'$/, 'drover');
  assertUsageError(await drover(['inventory', 'lst']), /^ERROR! unknown command 'inventory lst'$/, 'drover inventory');
});

test('help as Ansible users ask for it: -h, --help and drover help COMMAND', async () => {
  for (const args of [['play', '-h'], ['play', '--help'], ['help', 'play']]) {
    const res = await drover(args);
    assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stdout, /USAGE\s+\$ drover play PLAYBOOK/);
  }
  const topic = await drover(['help', 'inventory', 'list']);
  assert.match(topic.stdout, /\$ drover inventory list \[PATTERN\]/);
});

test('--version prints the version and the commit it was built from', async () => {
  const res = await drover(['--version']);
  assert.equal(res.code, 0);
  const m = /^drover\/0\.1\.0 \(commit ([0-9a-f]{7,40})\)/.exec(res.stdout);
  assert.ok(m, res.stdout);
  // a real commit of this repository, not a placeholder
  execFileSync('git', ['cat-file', '-e', `${m[1]}^{commit}`], { cwd: ROOT });
});

test('--version of an installed copy (no .git) still names the commit recorded at build time', async () => {
  const copy = join(dir, 'installed');
  mkdirSync(copy);
  for (const d of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, d), join(copy, d), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  const recorded = JSON.parse(readFileSync(join(ROOT, 'dist', 'build-info.json'), 'utf8')).commit as string;
  const out = execFileSync(process.execPath, [join(copy, 'bin', 'run.js'), '--version'], { cwd: copy, encoding: 'utf8' });
  assert.match(out, new RegExp(`^drover/0\\.1\\.0 \\(commit ${recorded}\\)`));
  execFileSync('git', ['cat-file', '-e', `${recorded}^{commit}`], { cwd: ROOT });
});

test('shell completion: bash completes commands and flags', async () => {
  const cache = join(dir, 'cache');
  const env = { XDG_CACHE_HOME: cache, HOME: dir };
  const setup = await drover(['autocomplete', 'bash'], { env });
  assert.equal(setup.code, 0, setup.stderr);
  const script = join(cache, 'drover', 'autocomplete', 'functions', 'bash', 'drover.bash');
  const complete = (words: string[]): string =>
    execFileSync('bash', ['-c', `source ${script}; COMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE="${words.join(' ')}"; _drover_autocomplete; echo "\${COMPREPLY[@]}"`], {
      encoding: 'utf8',
    }).trim();
  assert.equal(complete(['drover', 'pl']), 'play');
  assert.equal(complete(['drover', 'play', '--inv']), '--inventory');
  assert.match(complete(['drover', 'run', '--be']), /--become\b/);
});
