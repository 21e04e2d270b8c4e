// Input the CLI must refuse before anything runs (exit 5, naming where), and duplicate YAML
// keys it must warn about: the real CLI over the local connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover, jsonEvents } from '../../helpers/cli.js';

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'drover-input-checks-'));
}

function write(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A play on localhost whose first task leaves a marker file, so "nothing ran" can be checked. */
function markerPlay(dir: string, extra = ''): string {
  return `- hosts: localhost
  gather_facts: false${extra}
  tasks:
    - name: leave a marker
      copy: {content: ran, dest: ${dir}/marker}
    - name: second task
      debug: {msg: second}
`;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test('--start-at-task that matches nothing: exit 5 naming the pattern, nothing runs', async () => {
  const dir = workdir();
  const pb = write(dir, 'site.yml', markerPlay(dir));
  const res = await drover(['play', pb, '-c', 'local', '--start-at-task', 'no such t*sk']);
  assert.equal(res.code, 5, res.stdout);
  assert.match(res.stderr, /--start-at-task 'no such t\*sk' matches no task/);
  assert.equal(res.stdout, '');
  assert.equal(existsSync(join(dir, 'marker')), false);
  // a pattern that matches starts there: the marker task is skipped over
  const ok = await drover(['play', pb, '-c', 'local', '--start-at-task', 'second*', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(jsonEvents(ok.stdout).filter((e) => e.type === 'host_result').map((e) => e.task), ['second task']);
  assert.equal(existsSync(join(dir, 'marker')), false);
});

test('-c with an unknown connection: exit 5 before anything runs, for play and run', async () => {
  const dir = workdir();
  const pb = write(dir, 'site.yml', markerPlay(dir));
  const play = await drover(['play', pb, '-c', 'telnet']);
  assert.equal(play.code, 5);
  assert.match(play.stderr, /unknown connection type 'telnet' \(local, ssh, kubernetes\)/);
  assert.equal(existsSync(join(dir, 'marker')), false);
  const run = await drover(['run', 'localhost', '-c', 'telnet', '-a', `touch ${dir}/marker`]);
  assert.equal(run.code, 5);
  assert.match(run.stderr, /unknown connection type 'telnet'/);
  const extra = await drover(['play', pb, '-e', 'ansible_connection=rsh']);
  assert.equal(extra.code, 5);
  assert.match(extra.stderr, /-e: unknown connection type 'rsh'/);
  assert.equal(existsSync(join(dir, 'marker')), false);
  // Ansible's names for our connections still work
  const alias = await drover(['play', pb, '-c', 'ansible.builtin.local']);
  assert.equal(alias.code, 0, alias.stderr);
});

test('unknown ansible_connection in an inventory fails at load naming file:line (YAML, INI, group_vars); a template is left to run time', async () => {
  const dir = workdir();
  const pb = write(dir, 'site.yml', markerPlay(dir).replace('hosts: localhost', 'hosts: all'));
  const yml = write(dir, 'inv.yml', 'all:\n  hosts:\n    web1:\n      ansible_connection: sssh\n');
  const ini = write(dir, 'inv.ini', '[web]\nweb1\n\n[web:vars]\nansible_connection=bogus\n');
  const iniHost = write(dir, 'host.ini', '[web]\nweb1 x=1 ansible_connection=nope\n');
  for (const [inv, where, name] of [
    [yml, `${yml}:4:7`, 'sssh'],
    [ini, `${ini}:5:1`, 'bogus'],
    [iniHost, `${iniHost}:2:10`, 'nope'],
  ] as const) {
    const res = await drover(['play', pb, '-i', inv]);
    assert.equal(res.code, 5, `${inv}: ${res.stderr}`);
    assert.match(res.stderr, new RegExp(`${esc(where)}: unknown connection type '${name}'`));
  }
  const gv = join(dir, 'gv');
  mkdirSync(join(gv, 'group_vars'), { recursive: true });
  write(gv, 'hosts.ini', '[web]\nweb1\n');
  const gvFile = write(join(gv, 'group_vars'), 'web.yml', 'x: 1\nansible_connection: rsh\n');
  const res = await drover(['play', pb, '-i', join(gv, 'hosts.ini')]);
  assert.equal(res.code, 5);
  assert.match(res.stderr, new RegExp(`${esc(gvFile)}:2:1: unknown connection type 'rsh'`));
  assert.equal(existsSync(join(dir, 'marker')), false);
  // templated: decided per host when it runs
  const tpl = write(dir, 'tpl.yml', `all:\n  hosts:\n    web1:\n      ansible_connection: "{{ 'lo' ~ 'cal' }}"\n`);
  const ok = await drover(['play', pb, '-i', tpl]);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  assert.equal(existsSync(join(dir, 'marker')), true);
});

test('a play with an unknown connection: fails at load naming file:line; a templated one is not refused', async () => {
  const dir = workdir();
  const pb = write(dir, 'site.yml', markerPlay(dir, '\n  connection: telnet'));
  const res = await drover(['play', pb]);
  assert.equal(res.code, 5);
  assert.match(res.stderr, new RegExp(`${esc(pb)}:3:3: unknown connection type 'telnet'`));
  assert.equal(existsSync(join(dir, 'marker')), false);
  const tpl = write(dir, 'tpl.yml', markerPlay(dir, '\n  connection: "{{ conn }}"'));
  const ok = await drover(['play', tpl, '-e', 'conn=local']);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  assert.equal(existsSync(join(dir, 'marker')), true);
});

test('an empty playbook (empty file, [], only comments, or an imported empty one) is exit 5 naming the file', async () => {
  const dir = workdir();
  const cases = [
    [write(dir, 'empty.yml', ''), 'empty playbook, nothing to do'],
    [write(dir, 'list.yml', '[]\n'), 'a playbook must contain at least one play'],
    [write(dir, 'comments.yml', '# nothing here yet\n# TODO: write the play\n'), 'empty playbook, nothing to do'],
  ] as const;
  for (const [pb, msg] of cases) {
    const res = await drover(['play', pb, '-c', 'local']);
    assert.equal(res.code, 5, `${pb}: ${res.stdout}`);
    assert.match(res.stderr, new RegExp(`${esc(pb)}: ${msg}`));
  }
  const site = write(dir, 'site.yml', `- import_playbook: empty.yml\n${markerPlay(dir)}`);
  const res = await drover(['play', site, '-c', 'local']);
  assert.equal(res.code, 5);
  assert.match(res.stderr, new RegExp(`${esc(site)}:1:3: empty playbook, nothing to do: ${esc(join(dir, 'empty.yml'))}`));
  assert.equal(existsSync(join(dir, 'marker')), false);
});

test('a cycle in inventory children is exit 5 naming the groups of the cycle (YAML and INI), for play and inventory commands', async () => {
  const dir = workdir();
  const pb = write(dir, 'site.yml', markerPlay(dir).replace('hosts: localhost', 'hosts: all'));
  const yml = write(dir, 'cycle.yml', 'all:\n  children:\n    a:\n      hosts:\n        h1:\n      children:\n        b:\n    b:\n      children:\n        c:\n    c:\n      children:\n        a:\n');
  const ini = write(dir, 'cycle.ini', '[a]\nh1\n\n[a:children]\nb\n\n[b:children]\na\n');
  const self = write(dir, 'self.ini', '[a]\nh1\n\n[a:children]\na\n');
  for (const [inv, where, cycle] of [
    [yml, `${yml}:13:9`, 'c -> a -> b -> c'],
    [ini, `${ini}:8:1`, 'b -> a -> b'],
    [self, `${self}:5:1`, 'a -> a'],
  ] as const) {
    for (const args of [['play', pb, '-i', inv], ['inventory', 'graph', '-i', inv], ['inventory', 'list', '-i', inv]]) {
      const res = await drover(args);
      assert.equal(res.code, 5, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, new RegExp(`${esc(where)}: .*children would form a cycle \\(${esc(cycle)}\\)`), res.stderr);
      assert.doesNotMatch(res.stderr, /Maximum call stack/);
    }
  }
  assert.equal(existsSync(join(dir, 'marker')), false);
});

test('duplicate YAML keys warn with file:line on stderr and as a warning event; the last value wins', async () => {
  const dir = workdir();
  const vars = write(dir, 'vars.yml', 'port: 80\nport: 8080\n');
  const inv = write(dir, 'inv.yml', 'all:\n  hosts:\n    localhost:\n      tier: one\n      tier: two\n');
  const pb = write(
    dir,
    'site.yml',
    `- hosts: localhost
  gather_facts: false
  vars_files: [vars.yml]
  vars:
    color: red
    color: blue
  tasks:
    - name: show
      debug: {msg: "{{ color }} {{ port }} {{ tier }}"}
`,
  );
  const warnings = [`${pb}:6:5: found a duplicate dict key (color)`, `${vars}:2:1: found a duplicate dict key (port)`, `${inv}:5:7: found a duplicate dict key (tier)`];
  const plain = await drover(['play', pb, '-i', inv]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /"msg": "blue 8080 two"/);
  for (const w of warnings) assert.match(plain.stderr, new RegExp(`\\[WARNING\\]: ${esc(w)}; using the last defined value only`));
  const json = await drover(['play', pb, '-i', inv, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const events = jsonEvents(json.stdout).filter((e) => e.type === 'warning').map((e) => e.message as string);
  for (const w of warnings) assert.ok(events.some((m) => m.startsWith(w)), `warning event for ${w}: ${JSON.stringify(events)}`);
  for (const w of warnings) assert.match(json.stderr, new RegExp(esc(w)));
});
