// Inventory loading and patterns, checked against the real ansible-inventory where it is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/cli/errors.js';
import { loadInventory } from '../../../src/inventory/load-inventory.js';
import { inventoryGraph, inventoryListJson } from '../../../src/inventory/inventory-views.js';
import { expandHostRange } from '../../../src/inventory/host-ranges.js';
import { ROOT } from '../../helpers/cli.js';

const EXAMPLES = ['example.yml', 'example.ini'].map((f) => join(ROOT, 'inventory', f));
const hasAnsible = spawnSync('sh', ['-c', 'command -v ansible-inventory']).status === 0;

test('host ranges: numeric with padding, letters, steps', () => {
  assert.deepEqual(expandHostRange('web[01:03]'), ['web01', 'web02', 'web03']);
  assert.deepEqual(expandHostRange('db-[a:c].x'), ['db-a.x', 'db-b.x', 'db-c.x']);
  assert.deepEqual(expandHostRange('n[1:9:4]'), ['n1', 'n5', 'n9']);
});

for (const file of EXAMPLES) {
  test(`graph and merged vars equal ansible-inventory's: ${file.split('/').pop()}`, { skip: hasAnsible ? false : 'ansible-inventory is not installed' }, async () => {
    const inv = await loadInventory([file]);
    const graph = spawnSync('ansible-inventory', ['-i', file, '--graph'], { encoding: 'utf8' }).stdout.trimEnd();
    assert.equal(inventoryGraph(inv).join('\n'), graph);
    const list = JSON.parse(spawnSync('ansible-inventory', ['-i', file, '--list'], { encoding: 'utf8' }).stdout);
    const ours = inventoryListJson(inv) as any;
    for (const host of Object.keys(list._meta.hostvars)) {
      const theirs = { ...list._meta.hostvars[host] };
      for (const k of Object.keys(theirs)) if (/password/.test(k)) theirs[k] = '********';
      assert.deepEqual(ours._meta.hostvars[host], theirs, host);
    }
  });
}

test('patterns: union, intersection, exclusion, wildcard, regex, subscript, limit', async () => {
  const inv = await loadInventory([EXAMPLES[0]!]);
  assert.deepEqual(inv.select('lb:etcd1*'), ['lb1.dc1.example', 'lb2.dc1.example', 'etcd1.dc1.example']);
  assert.deepEqual(inv.select('workers:&workers_legacy:!node02*'), ['node01.dc1.example', 'node03.dc1.example', 'node04.dc1.example']);
  assert.deepEqual(inv.select('~^cp[12]\\.'), ['cp1.dc1.example', 'cp2.dc1.example']);
  assert.deepEqual(inv.select('etcd[0]'), ['etcd1.dc1.example']);
  assert.deepEqual(inv.select('etcd[1:]'), ['etcd2.dc1.example', 'etcd3.dc1.example']);
  assert.deepEqual(inv.select('kube', 'control_plane'), ['cp1.dc1.example', 'cp2.dc1.example', 'cp3.dc1.example']);
  assert.deepEqual(inv.select('nosuchgroup'), []);
  assert.deepEqual(inv.select('localhost'), ['localhost']);
  assert.equal(inv.hostVars('localhost').ansible_connection, 'local');
});

test('precedence: child group over parent, host over group, playbook dir group_vars over inventory dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-inv-'));
  mkdirSync(join(dir, 'inv', 'group_vars'), { recursive: true });
  mkdirSync(join(dir, 'play', 'group_vars'), { recursive: true });
  writeFileSync(join(dir, 'inv', 'hosts.ini'), '[parent:children]\nchild\n[child]\nh1 x=host\nh2\n[parent:vars]\nx=parent\ny=parent\n[child:vars]\ny=child\n');
  writeFileSync(join(dir, 'inv', 'group_vars', 'all.yml'), 'z: inv-dir\nw: inv-dir\n');
  writeFileSync(join(dir, 'play', 'group_vars', 'all.yml'), 'w: play-dir\n');
  const inv = await loadInventory([join(dir, 'inv', 'hosts.ini')], { playbookDir: join(dir, 'play') });
  assert.deepEqual({ x: inv.hostVars('h1').x, y: inv.hostVars('h1').y }, { x: 'host', y: 'child' });
  assert.equal(inv.hostVars('h2').x, 'parent');
  assert.equal(inv.hostVars('h2').z, 'inv-dir');
  assert.equal(inv.hostVars('h2').w, 'play-dir');
  assert.deepEqual(inv.groupNames('h1'), ['child', 'parent']);
});

test('bad inventories name file, line and field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-inv-'));
  writeFileSync(join(dir, 'a.yml'), 'all:\n  children:\n    web:\n      hosts:\n        - web1\n');
  await assert.rejects(loadInventory([join(dir, 'a.yml')]), (e: InputError) => e instanceof InputError && e.line === 4 && e.field === 'hosts');
  writeFileSync(join(dir, 'b.ini'), '[web]\nweb1 ansible_port\n');
  await assert.rejects(loadInventory([join(dir, 'b.ini')]), (e: InputError) => e instanceof InputError && e.line === 2 && /key=value/.test(e.message));
  writeFileSync(join(dir, 'c.yml'), 'plugin: nosuchplugin\n');
  await assert.rejects(loadInventory([join(dir, 'c.yml')]), (e: InputError) => e instanceof InputError && e.field === 'plugin');
  await assert.rejects(loadInventory([join(dir, 'missing.yml')]), InputError);
});
