// ping, setup and gather_facts as modules, through the real CLI over ssh to real sshd hosts,
// with shapes checked against Debian's ansible on the same hosts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { drover, jsonEvents, jsonSummary } from '../../helpers/cli.js';

const hasAnsible = spawnSync('sh', ['-c', 'command -v ansible']).status === 0;
let fleet: Fleet;
let dir: string;
/** The fleet's two hosts plus `ghost`, an address in this fleet's subnet where nothing listens. */
let inventory: string;

before(async () => {
  fleet = await startFleet({ hosts: 2, name: 'cli-modules', subnet: 27 });
  dir = mkdtempSync(join(tmpdir(), 'drover-cli-modules-'));
  inventory = join(dir, 'inv.ini');
  writeFileSync(inventory, `${readFileSync(fleet.inventoryIni, 'utf8')}\n[gone]\nghost ansible_host=127.27.0.99 ansible_user=root\n`);
});

after(async () => {
  await fleet?.stop();
});

function results(stdout: string, action: string): Record<string, any>[] {
  return jsonEvents(stdout).filter((e) => e.type === 'host_result' && e.action === action);
}

/** Per-host results of `ansible PATTERN -m MODULE -a ARGS` (its tree callback: one JSON file per host). */
function ansibleAdHoc(pattern: string, module: string, args: string): Record<string, any> {
  const tree = mkdtempSync(join(tmpdir(), 'drover-ansible-tree-'));
  spawnSync('ansible', [pattern, '-i', fleet.inventoryIni, '-m', module, '-a', args, '-t', tree], {
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_HOST_KEY_CHECKING: 'false', ANSIBLE_LOCALHOST_WARNING: 'false' },
  });
  return Object.fromEntries(readdirSync(tree).map((h) => [h, JSON.parse(readFileSync(join(tree, h), 'utf8'))]));
}

test('drover run all -m ping: pong from every reachable host over ssh, unreachable for the dead one', async () => {
  const res = await drover(['run', 'all', '-i', inventory, '-m', 'ping', '--json']);
  assert.equal(res.code, 4, res.stderr + res.stdout.slice(-2000));
  const byHost = Object.fromEntries(results(res.stdout, 'ping').map((e) => [e.host, e]));
  for (const h of ['host1', 'host2']) {
    assert.equal(byHost[h].status, 'ok');
    assert.equal(byHost[h].result.ping, 'pong');
    assert.equal(byHost[h].result.changed, false);
  }
  assert.equal(byHost.ghost.status, 'unreachable');
  const plain = await drover(['run', 'fleet', '-i', inventory, '-m', 'ping']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /ok: \[host1\] => \{\n {4}"changed": false,\n {4}"ping": "pong"\n\}/);
});

test('ping honours data, and data=crash fails the way Ansible reports it', async () => {
  const hello = await drover(['run', 'host1', '-i', inventory, '-m', 'ping', '-a', 'data=hello', '--json']);
  assert.equal(hello.code, 0, hello.stderr);
  assert.equal(results(hello.stdout, 'ping')[0]!.result.ping, 'hello');
  const crash = await drover(['run', 'host1', '-i', inventory, '-m', 'ping', '-a', 'data=crash', '--json']);
  assert.equal(crash.code, 2);
  const r = results(crash.stdout, 'ping')[0]!;
  assert.equal(r.status, 'failed');
  assert.equal(r.result.msg, 'MODULE FAILURE\nSee stdout/stderr for the exact error');
  assert.equal(r.result.rc, 1);
  assert.match(r.result.module_stderr, /Exception: boom/);
});

test('ping and setup results have the keys Ansible gives on the same host', { skip: hasAnsible ? false : 'ansible is not installed' }, async () => {
  const ours = (action: string, args: string[]) => drover(['run', 'host1', '-i', inventory, '-m', action, ...args, '--json']);
  const ping = results((await ours('ping', [])).stdout, 'ping')[0]!.result;
  const aPing = ansibleAdHoc('host1', 'ping', '').host1;
  assert.deepEqual({ changed: ping.changed, ping: ping.ping }, { changed: aPing.changed, ping: aPing.ping });
  const crash = results((await ours('ping', ['-a', 'data=crash'])).stdout, 'ping')[0]!.result;
  const aCrash = ansibleAdHoc('host1', 'ping', 'data=crash').host1;
  assert.equal(crash.msg, aCrash.msg);
  assert.equal(crash.rc, aCrash.rc);
  const filter = 'filter=ansible_hostname';
  const setup = results((await ours('setup', ['-a', filter])).stdout, 'setup')[0]!.result;
  const aSetup = ansibleAdHoc('host1', 'setup', filter).host1;
  assert.deepEqual(setup.ansible_facts, aSetup.ansible_facts);
  assert.deepEqual(setup.ansible_facts, { ansible_hostname: 'host1' });
  // the facts both gather under the min subset, by name and value where they cannot differ
  const min = 'gather_subset=!all';
  const ourMin = results((await ours('setup', ['-a', min])).stdout, 'setup')[0]!.result.ansible_facts;
  const theirMin = ansibleAdHoc('host1', 'setup', min).host1.ansible_facts;
  for (const k of ['ansible_hostname', 'ansible_nodename', 'ansible_system', 'ansible_kernel', 'ansible_machine', 'ansible_architecture', 'ansible_distribution', 'ansible_os_family', 'ansible_distribution_major_version', 'ansible_distribution_release', 'ansible_user_id', 'ansible_user_uid', 'ansible_user_dir', 'module_setup', 'gather_subset']) {
    assert.deepEqual(ourMin[k], theirMin[k], k);
  }
  // and neither gathers hardware facts under !all
  assert.equal(ourMin.ansible_memtotal_mb, undefined);
  assert.equal(theirMin.ansible_memtotal_mb, undefined);
});

test('setup honours gather_subset and filter globs; a bad subset fails with Ansible\'s message', async () => {
  const run = async (args: string) => results((await drover(['run', 'host1', '-i', inventory, '-m', 'setup', '-a', args, '--json'])).stdout, 'setup')[0]!;
  const env = await run('gather_subset=!all,!min,env');
  assert.deepEqual(Object.keys(env.result.ansible_facts).sort(), ['ansible_env', 'gather_subset', 'module_setup']);
  assert.equal(env.result.ansible_facts.ansible_env.HOME, '/root');
  const hw = await run('gather_subset=!all,!min,hardware filter=ansible_mem*');
  assert.deepEqual(Object.keys(hw.result.ansible_facts).sort(), ['ansible_memfree_mb', 'ansible_memtotal_mb']);
  assert.ok(hw.result.ansible_facts.ansible_memtotal_mb > 0);
  const none = await run('gather_subset=!all,!min');
  assert.deepEqual(none.result.ansible_facts, { gather_subset: ['!all', '!min'], module_setup: true });
  const bad = await run('gather_subset=bogus');
  assert.equal(bad.status, 'failed');
  assert.match(bad.result.msg, /^Bad subset 'bogus' given to Ansible\. gather_subset options allowed: all, /);
});

test('setup and gather_facts as tasks put facts in the host\'s facts, as the play\'s gathering does', async () => {
  const pb = join(dir, 'facts.yml');
  writeFileSync(
    pb,
    `- hosts: fleet
  gather_facts: false
  vars: {ansible_system: from-play-vars}
  tasks:
    - name: before
      debug: {msg: "{{ ansible_hostname | default('none') }}"}
    - name: narrow setup
      setup: {gather_subset: ['!all', '!min', 'platform'], filter: ['ansible_host*', 'ansible_system']}
    - name: after setup
      debug: {msg: "{{ ansible_hostname }} {{ ansible_facts.hostname }} {{ ansible_facts.system }} {{ ansible_distribution | default('none') }}"}
    - name: gather_facts as a task
      gather_facts:
    - name: after gather_facts
      debug: {msg: "{{ ansible_facts.distribution }} {{ ansible_user_id }} {{ hostvars[inventory_hostname].ansible_hostname }}"}
    - name: a play var outranks a fact, as with gathered facts
      debug: {msg: "{{ ansible_system }}"}
`,
  );
  const res = await drover(['play', pb, '-i', inventory, '--json']);
  assert.equal(res.code, 0, res.stderr + res.stdout.slice(-3000));
  const msg = (task: string, host: string): string => jsonEvents(res.stdout).find((e) => e.type === 'host_result' && e.task === task && e.host === host)!.result.msg;
  for (const h of ['host1', 'host2']) {
    assert.equal(msg('before', h), 'none');
    assert.equal(msg('after setup', h), `${h} ${h} Linux none`);
    assert.equal(msg('after gather_facts', h), `Debian root ${h}`);
    assert.equal(msg('a play var outranks a fact, as with gathered facts', h), 'from-play-vars');
  }
  assert.equal(jsonSummary(res.stdout).exitCode, 0);
});

test('a play\'s gather_subset narrows its fact gathering; an unknown subset is exit 5 before any host is contacted', async () => {
  const pb = join(dir, 'subset.yml');
  writeFileSync(
    pb,
    `- hosts: fleet
  gather_subset: ['!all', '!min', 'env']
  tasks:
    - name: show
      debug: {msg: "{{ ansible_hostname | default('none') }} {{ ansible_env.HOME }}"}
`,
  );
  const res = await drover(['play', pb, '-i', inventory, '--json']);
  assert.equal(res.code, 0, res.stderr + res.stdout.slice(-2000));
  const shown = jsonEvents(res.stdout).filter((e) => e.type === 'host_result' && e.task === 'show');
  assert.deepEqual(shown.map((e) => `${e.host}: ${e.result.msg}`).sort(), ['host1: none /root', 'host2: none /root']);
  const bad = join(dir, 'bad-subset.yml');
  writeFileSync(bad, `- hosts: fleet\n  gather_subset: [hardware, gpu]\n  tasks:\n    - copy: {content: x, dest: /tmp/should-not-exist}\n`);
  const refused = await drover(['play', bad, '-i', inventory]);
  assert.equal(refused.code, 5);
  assert.match(refused.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:3: Bad subset 'gpu' given to Ansible`));
  assert.equal(refused.stdout, '');
});
