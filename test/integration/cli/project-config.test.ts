// The project config file over the local connection: drover.yml's unknown keys and bad values
// are exit 5 with file:line, ansible.cfg's unknown keys are ignored; inventory, forks and
// roles_path come from the file; $DROVER_CONFIG; a world-writable directory's ansible.cfg is
// not read (as Ansible refuses it).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover, jsonEvents } from '../../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'drover-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
const env = { HOME: root };

function project(files: Record<string, string>): string {
  const d = mkdtempSync(join(root, 'p-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

const INV = 'all:\n  vars: {ansible_connection: local}\n  hosts:\n    one: {}\n    two: {}\n';

test('drover.yml: an unknown key or a bad value is exit 5 naming file:line and the key', async () => {
  const d = project({ 'drover.yml': 'inventory: inv.yml\nforks: 5\nforkz: 10\n', 'inv.yml': INV });
  const res = await drover(['inventory', 'list'], { cwd: d, env });
  assert.equal(res.code, 5);
  assert.match(res.stderr, new RegExp(`${join(d, 'drover.yml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:1: unknown key 'forkz'`));
  const bad = project({ 'drover.yml': 'inventory: inv.yml\nbecome: maybe\n', 'inv.yml': INV });
  const r2 = await drover(['run', 'all', '-a', 'true'], { cwd: bad, env });
  assert.equal(r2.code, 5);
  assert.match(r2.stderr, /drover\.yml:2:1: become must be a boolean/);
});

test('ansible.cfg: the inventory is read relative to the file, unknown keys are ignored', async () => {
  const d = project({ 'ansible.cfg': '[defaults]\ninventory = hosts/inv.yml\nstdout_callback = yaml\n\n[ssh_connection]\npipelining = True\n', 'hosts/inv.yml': INV });
  const res = await drover(['inventory', 'list'], { cwd: d, env });
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(res.stdout.trim().split('\n'), ['one', 'two']);
  // -i beats the file
  const other = join(d, 'other.ini');
  writeFileSync(other, 'three ansible_connection=local\n');
  const flag = await drover(['inventory', 'list', '-i', other], { cwd: d, env });
  assert.equal(flag.stdout.trim(), 'three');
});

test('$DROVER_CONFIG names the file; its relative paths are relative to it', async () => {
  const d = project({ 'conf/drover.yml': 'inventory: ../inv.yml\n', 'inv.yml': INV, 'work/.keep': '' });
  const res = await drover(['inventory', 'list'], { cwd: join(d, 'work'), env: { ...env, DROVER_CONFIG: join(d, 'conf', 'drover.yml') } });
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(res.stdout.trim().split('\n'), ['one', 'two']);
  const missing = await drover(['inventory', 'list'], { cwd: d, env: { ...env, DROVER_CONFIG: join(d, 'nope.yml') } });
  assert.equal(missing.code, 5);
  assert.match(missing.stderr, /DROVER_CONFIG/);
});

test('forks from the config file; -f beats it', async () => {
  const d = project({ 'drover.yml': 'inventory: inv.yml\nforks: 1\n', 'inv.yml': INV });
  const pb = join(d, 'site.yml');
  writeFileSync(pb, '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: date +%s%N; sleep 2\n');
  const starts = (stdout: string): number => {
    const t = jsonEvents(stdout).filter((e) => e.type === 'host_result').map((e) => Number(String(e.result.stdout).trim()) / 1e6);
    return Math.abs(t[0]! - t[1]!);
  };
  const one = await drover(['play', pb, '--json'], { cwd: d, env });
  assert.equal(one.code, 0, one.stderr);
  assert.ok(starts(one.stdout) >= 1900, `forks: 1 must run the hosts one after the other (${starts(one.stdout)} ms apart)`);
  const two = await drover(['play', pb, '--json', '-f', '2'], { cwd: d, env });
  assert.ok(starts(two.stdout) < 1500, `-f 2 must run both at once (${starts(two.stdout)} ms apart)`);
});

test('roles_path from the config file', async () => {
  const d = project({
    'ansible.cfg': '[defaults]\nroles_path = shared/roles\n',
    'shared/roles/greet/tasks/main.yml': '- debug: {msg: hello from greet}\n',
    'site.yml': '- hosts: localhost\n  connection: local\n  gather_facts: false\n  roles: [greet]\n',
  });
  const res = await drover(['play', join(d, 'site.yml'), '--json'], { cwd: d, env });
  assert.equal(res.code, 0, res.stderr);
  assert.ok(jsonEvents(res.stdout).some((e) => e.type === 'host_result' && e.result?.msg === 'hello from greet'));
});

test("a world-writable directory's ansible.cfg is not read, with a warning", async () => {
  const d = project({ 'ansible.cfg': '[defaults]\ninventory = inv.yml\n', 'inv.yml': INV });
  chmodSync(d, 0o777);
  const res = await drover(['inventory', 'list'], { cwd: d, env });
  assert.equal(res.stdout.trim(), '');
  assert.match(res.stderr, /world writable directory/);
});

test('~/.ansible.cfg when the current directory has no config', async () => {
  const home = project({ '.ansible.cfg': `[defaults]\ninventory = ${join(root, 'home-inv.yml')}\n` });
  writeFileSync(join(root, 'home-inv.yml'), INV);
  const cwd = project({});
  const res = await drover(['inventory', 'list'], { cwd, env: { HOME: home } });
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(res.stdout.trim().split('\n'), ['one', 'two']);
});
