// The `plugin: kubernetes` pod inventory against the real test API simulator, through the
// real CLI: hosts `<namespace>/<pod>` with their vars and groups, merged with an SSH INI
// inventory given as a second -i; selectors; bad config and API failures as input errors
// naming the file; and a playbook that runs inside the pods it lists.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { drover, jsonSummary, ROOT } from '../../helpers/cli.js';
import { loadInventory } from '../../../src/inventory/load-inventory.js';
import { inventoryGraph } from '../../../src/inventory/inventory-views.js';

const isRoot = process.getuid?.() === 0;
const haveDist = existsSync(join(ROOT, 'dist', 'commands'));
const needsSim = { skip: isRoot ? false : 'the API simulator needs root (pod sandboxes)' };
const needsCli = { skip: !isRoot ? needsSim.skip : haveDist ? false : 'needs the compiled CLI (npm run build)' };
let sim: K8sSim;
let dir: string;

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function pod(ns: string, name: string, nodeName: string, labels: Record<string, string>, extra: { owner?: [string, string]; containers?: string[] } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels, ownerReferences: extra.owner ? [{ apiVersion: 'apps/v1', kind: extra.owner[0], name: extra.owner[1], uid: `uid-${extra.owner[1]}`, controller: true }] : [] },
    spec: { nodeName, containers: (extra.containers ?? ['app']).map((c) => ({ name: c, image: 'debian' })) },
  };
}

before(async () => {
  if (!isRoot) return;
  dir = mkdtempSync(join(tmpdir(), 'drover-podinv-'));
  sim = await startK8sSim({ name: 'podinv' });
  for (const n of ['worker-1', 'worker-2']) await sim.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
  for (const ns of ['shop', 'other']) await sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await sim.create(pod('default', 'web-1', 'worker-1', { app: 'web' }, { owner: ['ReplicaSet', 'web-7d9f'] }));
  await sim.create(pod('default', 'web-2', 'worker-2', { app: 'web' }, { owner: ['ReplicaSet', 'web-7d9f'], containers: ['app', 'sidecar'] }));
  await sim.create(pod('shop', 'cart-0', 'worker-1', { app: 'cart', 'app.kubernetes.io/part-of': 'shop' }, { owner: ['StatefulSet', 'cart'] }));
  await sim.create(pod('other', 'x-1', 'worker-2', { app: 'x' }));
});

after(async () => {
  if (sim) await sim.stop();
});

test('loadInventory: pods become hosts with connection vars and sanitised groups under `kubernetes`', needsSim, async () => {
  const file = write('pods.yml', `plugin: kubernetes\nconnections:\n  - name: sim-cluster\n    kubeconfig: ${sim.kubeconfig}\n    context: sim\n    namespaces: [default, shop]\n`);
  const inv = await loadInventory([file]);
  assert.deepEqual([...inv.hosts.keys()], ['default/web-1', 'default/web-2', 'shop/cart-0']);
  const vars = inv.hostVars('default/web-2');
  assert.equal(vars.ansible_connection, 'kubernetes');
  assert.equal(vars.drover_k8s_kubeconfig, sim.kubeconfig);
  assert.equal(vars.drover_k8s_context, 'sim');
  assert.equal(vars.drover_k8s_namespace, 'default');
  assert.equal(vars.drover_k8s_pod, 'web-2');
  assert.equal(vars.drover_k8s_container, 'app', 'the first container when none is configured');
  assert.equal(vars.pod_node, 'worker-2');
  assert.equal(vars.pod_phase, 'Running');
  assert.match(String(vars.pod_ip), /^10\.244\./);
  assert.deepEqual(vars.pod_labels, { app: 'web' });
  assert.deepEqual(inv.groupNames('shop/cart-0'), ['kubernetes', 'label_app_cart', 'label_app_kubernetes_io_part_of_shop', 'namespace_shop', 'node_worker_1', 'owner_StatefulSet_cart', 'sim_cluster']);
  assert.deepEqual(inv.select('owner_ReplicaSet_web_7d9f'), ['default/web-1', 'default/web-2']);
  assert.deepEqual(inv.select('node_worker_1:&label_app_web'), ['default/web-1']);
  assert.deepEqual(inv.select('default/*'), ['default/web-1', 'default/web-2']);
  assert.equal(inventoryGraph(inv).includes('  |--@kubernetes:'), true);
});

test('selectors and container; every namespace by default; the Ansible name as an alias', needsSim, async () => {
  const sel = write('sel.yml', `plugin: kubernetes.core.k8s\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    label_selectors: [app=web]\n    field_selectors: spec.nodeName=worker-2\n    container: sidecar\n`);
  const inv = await loadInventory([sel]);
  assert.deepEqual([...inv.hosts.keys()], ['default/web-2']);
  assert.equal(inv.hostVars('default/web-2').drover_k8s_container, 'sidecar');
  assert.equal(inv.hostVars('default/web-2').drover_k8s_context, 'sim', "the kubeconfig's current context is recorded");
  const all = await loadInventory([write('all.yml', `plugin: drover.kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n`)]);
  assert.deepEqual([...all.hosts.keys()], ['default/web-1', 'default/web-2', 'other/x-1', 'shop/cart-0']);
  // No connections list: the environment's kubeconfig.
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = sim.kubeconfig;
  try {
    assert.equal((await loadInventory([write('env.yml', 'plugin: kubernetes\n')])).hosts.size, 4);
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
});

test('drover inventory list/graph/host: the pod inventory merged with an SSH INI inventory', needsCli, async () => {
  const pods = write('cli-pods.yml', `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    context: sim\n    namespaces: [default, shop]\n`);
  const ssh = write('hosts.ini', '[bastion]\nbastion1 ansible_host=10.0.0.5 ansible_user=ops\n[web]\nweb01 ansible_host=10.0.0.10\n');
  const list = await drover(['inventory', 'list', '--json', '-i', pods, '-i', ssh]);
  assert.equal(list.code, 0, list.stderr);
  const json = JSON.parse(list.stdout);
  assert.deepEqual(json.all.children, ['bastion', 'kubernetes', 'ungrouped', 'web']);
  assert.deepEqual(json.kubernetes.children, ['label_app_cart', 'label_app_kubernetes_io_part_of_shop', 'label_app_web', 'namespace_default', 'namespace_shop', 'node_worker_1', 'node_worker_2', 'owner_ReplicaSet_web_7d9f', 'owner_StatefulSet_cart']);
  assert.deepEqual(json.namespace_default.hosts, ['default/web-1', 'default/web-2']);
  assert.equal(json._meta.hostvars['shop/cart-0'].ansible_connection, 'kubernetes');
  assert.equal(json._meta.hostvars.bastion1.ansible_host, '10.0.0.5');

  const names = await drover(['inventory', 'list', 'label_app_web:web', '-i', pods, '-i', ssh]);
  assert.equal(names.code, 0, names.stderr);
  assert.deepEqual(names.stdout.trim().split('\n'), ['default/web-1', 'default/web-2', 'web01']);

  const graph = await drover(['inventory', 'graph', 'kubernetes', '-i', pods, '-i', ssh]);
  assert.equal(graph.code, 0, graph.stderr);
  assert.match(graph.stdout, /^@kubernetes:\n/);
  assert.match(graph.stdout, /\|--@label_app_cart:\n {2}\| {2}\|--shop\/cart-0\n/);
  assert.match(graph.stdout, /\|--@namespace_default:\n {2}\| {2}\|--default\/web-1\n {2}\| {2}\|--default\/web-2\n/);

  const host = await drover(['inventory', 'host', 'default/web-1', '--json', '-i', pods, '-i', ssh]);
  assert.equal(host.code, 0, host.stderr);
  assert.equal(JSON.parse(host.stdout).drover_k8s_pod, 'web-1');
});

test('bad plugin config: exit 5 naming the file, line and field', needsCli, async () => {
  const typo = write('typo.yml', `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    namespace: shop\n`);
  const r1 = await drover(['inventory', 'list', '-i', typo]);
  assert.equal(r1.code, 5);
  assert.match(r1.stderr, new RegExp(`${typo.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:5: 'namespace' is not valid in connections\\[0\\].*\\(field: namespace\\)`));
  const wrongType = write('type.yml', 'plugin: kubernetes\nconnections:\n  - namespaces: {shop: true}\n');
  const r2 = await drover(['inventory', 'list', '-i', wrongType]);
  assert.equal(r2.code, 5);
  assert.match(r2.stderr, /type\.yml:3:5: connections\[0\]\.namespaces must be a string or a list of strings \(field: namespaces\)/);
  const top = write('top.yml', 'plugin: kubernetes\ncompose: {}\n');
  const r3 = await drover(['inventory', 'list', '-i', top]);
  assert.equal(r3.code, 5);
  assert.match(r3.stderr, /top\.yml:2:1: 'compose' is not an option of the kubernetes inventory plugin/);
  const notList = write('notlist.yml', 'plugin: kubernetes\nconnections: {kubeconfig: x}\n');
  assert.match((await drover(['inventory', 'list', '-i', notList])).stderr, /connections must be a list of mappings/);
});

test('API failures: exit 5 naming the inventory file and the API server', needsCli, async () => {
  const config = readFileSync(sim.kubeconfig, 'utf8');
  write('bad-token.kubeconfig', config.replace(/token: \S+/, 'token: wrong'));
  const inv1 = write('bad-token.yml', `plugin: kubernetes\nconnections:\n  - kubeconfig: bad-token.kubeconfig\n`);
  const r1 = await drover(['inventory', 'list', '-i', inv1]);
  assert.equal(r1.code, 5, r1.stderr);
  assert.match(r1.stderr, new RegExp(`bad-token\\.yml: cannot list pods from the API server ${sim.url.replace(/[.]/g, '\\.')} \\(kubeconfig ${dir}/bad-token\\.kubeconfig, context sim\\): HTTP 401`));
  const down = write('down.kubeconfig', config.replace(/server: \S+/, 'server: https://127.0.0.1:1'));
  const inv2 = write('down.yml', `plugin: kubernetes\nconnections:\n  - kubeconfig: ${down}\n`);
  const r2 = await drover(['inventory', 'list', '-i', inv2]);
  assert.equal(r2.code, 5);
  assert.match(r2.stderr, /down\.yml: cannot list pods from the API server https:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/);
  const missing = write('missing.yml', 'plugin: kubernetes\nconnections:\n  - kubeconfig: /nonexistent/kubeconfig\n');
  const r3 = await drover(['inventory', 'list', '-i', missing]);
  assert.equal(r3.code, 5);
  assert.match(r3.stderr, /missing\.yml: cannot use kubeconfig: .*\/nonexistent\/kubeconfig/);
});

test('a playbook runs inside the pods the plugin lists (kubernetes connection)', { skip: needsCli.skip || (existsSync(join(ROOT, 'src', 'connections', 'kubernetes.ts')) ? false : 'no kubernetes connection yet') }, async () => {
  const pods = write('play-pods.yml', `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    label_selectors: app=web\n`);
  const pb = write('in-pods.yml', `- hosts: label_app_web
  gather_facts: false
  tasks:
    - name: write a file in each pod
      copy: {content: "{{ drover_k8s_pod }} on {{ pod_node }}\\n", dest: /tmp/who}
`);
  const first = await drover(['play', pb, '-i', pods, '--json']);
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-2000));
  assert.equal(jsonSummary(first.stdout).stats['default/web-1']!.changed, 1);
  assert.equal(sim.podShell('default', 'web-1', 'cat /tmp/who').stdout, 'web-1 on worker-1\n');
  assert.equal(sim.podShell('default', 'web-2', 'cat /tmp/who').stdout, 'web-2 on worker-2\n');
  const second = await drover(['play', pb, '-i', pods, '--json']);
  assert.equal(jsonSummary(second.stdout).stats['default/web-2']!.changed, 0);
});
