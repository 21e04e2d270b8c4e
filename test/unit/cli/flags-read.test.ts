// No command offers a flag it never reads: a flag accepted and ignored does nothing the user
// asked for, silently. Every command's declared flags (its own and the base flags it takes) are
// walked and each must be read by the command, directly or through the helper it hands its flags
// to; and a base flag a lean command left out is refused by the real CLI with exit 5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { connectionFlags } from '../../../src/cli/connection-flags.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const COMMANDS = join(ROOT, 'src', 'commands');

function commandFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? commandFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const CONNECTION = Object.keys(connectionFlags);
// what BaseCommand.clusterOptions reads from the flags it is handed
const CLUSTER_OPTIONS = ['inventory', 'limit', 'extra-vars', 'json', 'verbose', 'pki-dir', 'forks', ...CONNECTION];

/** The flags a command's source reads: `flags.x`, `flags['x']`, or through the helpers it calls with its flags. */
function flagsRead(source: string): Set<string> {
  const read = new Set<string>();
  for (const m of source.matchAll(/flags\.([A-Za-z]\w*)|flags\[['"]([\w-]+)['"]\]/g)) read.add(m[1] ?? m[2]);
  if (/connectionDefaults\(\s*flags/.test(source)) CONNECTION.forEach((f) => read.add(f));
  if (/clusterOptions\(\s*flags/.test(source)) CLUSTER_OPTIONS.forEach((f) => read.add(f));
  return read;
}

test('every flag a command declares is read by it (none accepted and ignored)', async () => {
  const ignored: string[] = [];
  const files = commandFiles(COMMANDS);
  assert.ok(files.length >= 15, `found only ${files.length} command files`);
  for (const file of files) {
    const cls = (await import(pathToFileURL(file).href)).default as { flags?: object; baseFlags?: object };
    const declared = Object.keys({ ...(cls.baseFlags ?? {}), ...(cls.flags ?? {}) });
    const read = flagsRead(readFileSync(file, 'utf8'));
    for (const flag of declared) if (!read.has(flag)) ignored.push(`${relative(ROOT, file)}: --${flag}`);
  }
  assert.deepEqual(ignored, [], 'flags a command declares and never reads');
});

test('a base flag a command does not read is refused by the CLI, exit 5, naming it', () => {
  const cases: Array<[string[], string]> = [
    [['inventory', 'graph', '-i', 'inventory/example.ini', '-l', 'web'], '-l'],
    [['inventory', 'host', 'x', '-i', 'inventory/example.ini', '-e', 'a=1'], '-e'],
    [['run', 'localhost', '-c', 'local', '-a', 'true', '-v'], '-v'],
    [['etcd', 'verify-restore', '/nonexistent.db', '-i', 'inventory/example.ini'], '-i'],
    [['inspect', '-i', 'inventory/example.ini', '--verbose'], '--verbose'],
  ];
  for (const [argv, flag] of cases) {
    const res = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), ...argv], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(res.status, 5, `${argv.join(' ')}: exit ${res.status}, stderr ${res.stderr}`);
    assert.match(res.stderr, new RegExp(`Nonexistent flag: ${flag}\\b`), argv.join(' '));
  }
});
