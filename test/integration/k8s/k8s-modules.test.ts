// The kubernetes modules against the real test API simulator (HTTPS, real pod sandboxes):
// drain with a DaemonSet pod and a PodDisruptionBudget that answers 429, cordon/uncordon,
// labels, apply/delete, info and wait; check mode must leave the cluster as it was, which
// every check is asserted through the API. Needs root (the simulator starts pod sandboxes).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { drover, jsonEvents, jsonSummary, ROOT } from '../../helpers/cli.js';
import { findModule } from '../../../src/modules/index.js';
import { normalizeArgs } from '../../../src/modules/args.js';
import type { ModuleResult } from '../../../src/modules/types.js';

const isRoot = process.getuid?.() === 0;
let sim: K8sSim;

/** Run a module the way the task runner does (normalised args; no connection: they are controller-only). */
async function run(name: string, args: Record<string, unknown>, opts: { check?: boolean; diff?: boolean; vars?: Record<string, unknown> } = {}): Promise<ModuleResult> {
  const def = findModule(name);
  assert.ok(def, `module ${name} is registered`);
  assert.equal(def.controllerOnly, true);
  const noConn = (): never => {
    throw new Error('a kubernetes module used the connection');
  };
  return def.run({
    host: 'localhost',
    conn: { host: 'localhost', transport: 'none', connect: async () => undefined, exec: noConn, put: noConn, get: noConn, close: async () => undefined },
    args: normalizeArgs(def, { kubeconfig: sim.kubeconfig, ...args }),
    vars: opts.vars ?? {},
    check: opts.check ?? false,
    diff: opts.diff ?? false,
    environment: {},
    findFile: (_k, p) => p,
    render: (t) => t,
    evaluate: () => undefined,
    signal: new AbortController().signal,
    verbosity: 0,
  });
}

async function node(name: string): Promise<Record<string, any>> {
  const r = await sim.api('GET', `/api/v1/nodes/${name}`);
  assert.equal(r.status, 200);
  return r.body;
}

async function podExists(ns: string, name: string): Promise<boolean> {
  return (await sim.api('GET', `/api/v1/namespaces/${ns}/pods/${name}`)).status === 200;
}

function pod(name: string, ns: string, nodeName: string, extra: { labels?: Record<string, string>; owner?: { kind: string; name: string }; annotations?: Record<string, string> } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: extra.labels ?? {},
      annotations: extra.annotations ?? {},
      ownerReferences: extra.owner ? [{ apiVersion: extra.owner.kind === 'DaemonSet' ? 'apps/v1' : 'apps/v1', kind: extra.owner.kind, name: extra.owner.name, uid: `uid-${extra.owner.name}`, controller: true }] : [],
    },
    spec: { nodeName, containers: [{ name: 'app', image: 'debian' }] },
  };
}

before(async () => {
  if (!isRoot) return;
  sim = await startK8sSim({ name: 'kmods' });
  for (const n of ['node1', 'node2', 'node3']) await sim.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { 'kubernetes.io/hostname': n } } });
  await sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  await sim.create({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'logs', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'logs' } }, template: { metadata: { labels: { app: 'logs' } }, spec: { containers: [{ name: 'c', image: 'debian' }] } } } });
});

after(async () => {
  if (sim) await sim.stop();
});

const opts = { skip: isRoot ? false : 'the API simulator needs root (pod sandboxes)' };

test('k8s_drain: blockers fail with the node untouched; check mode changes nothing; drain evicts through 429s; uncordon', opts, async () => {
  await sim.create(pod('web-1', 'shop', 'node1', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-abc' } }));
  await sim.create(pod('pdb-1', 'shop', 'node1', { labels: { app: 'db' }, owner: { kind: 'ReplicaSet', name: 'db-abc' }, annotations: { 'sim.drover.dev/evict-429': '2' } }));
  await sim.create(pod('logs-1', 'shop', 'node1', { labels: { app: 'logs' }, owner: { kind: 'DaemonSet', name: 'logs' } }));
  await sim.create(pod('naked', 'default', 'node1'));
  await sim.create(pod('web-2', 'shop', 'node2', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-abc' } }));

  // DaemonSet pod without ignore_daemonsets, unmanaged pod without force: refused before any change.
  const refused = await run('k8s_drain', { name: 'node1', delete_options: { wait_sleep: 1 } });
  assert.equal(refused.failed, true);
  assert.match(String(refused.msg), /shop\/logs-1: cannot delete DaemonSet-managed Pods/);
  assert.match(String(refused.msg), /default\/naked: cannot delete Pods that declare no controller/);
  assert.notEqual((await node('node1')).spec?.unschedulable, true, 'a refused drain leaves the node schedulable');

  const deleteOptions = { ignore_daemonsets: true, force: true, wait_sleep: 1, wait_timeout: 60 };
  const predicted = await run('kubernetes.core.k8s_drain', { name: 'node1', delete_options: deleteOptions }, { check: true, diff: true });
  assert.equal(predicted.changed, true);
  assert.deepEqual([...(predicted.evicted_pods as string[])].sort(), ['default/naked', 'shop/pdb-1', 'shop/web-1']);
  assert.deepEqual((predicted.diff as { after: string }[])[0]!.after, 'unschedulable: true\n');
  assert.notEqual((await node('node1')).spec?.unschedulable, true, 'check mode does not cordon');
  for (const [ns, p] of [['shop', 'web-1'], ['shop', 'pdb-1'], ['default', 'naked']]) assert.equal(await podExists(ns!, p!), true, `check mode keeps ${ns}/${p}`);

  const drained = await run('k8s_drain', { name: 'node1', state: 'drain', delete_options: deleteOptions });
  assert.equal(drained.failed, undefined, String(drained.msg));
  assert.equal(drained.changed, true);
  assert.deepEqual([...(drained.evicted_pods as string[])].sort(), ['default/naked', 'shop/pdb-1', 'shop/web-1']);
  assert.equal(drained.eviction_retries, 2, 'the pod whose budget answered 429 twice was retried');
  assert.deepEqual(drained.skipped_pods, [{ pod: 'shop/logs-1', reason: 'DaemonSet-managed (logs)' }]);
  assert.equal((await node('node1')).spec.unschedulable, true);
  for (const [ns, p] of [['shop', 'web-1'], ['shop', 'pdb-1'], ['default', 'naked']]) assert.equal(await podExists(ns!, p!), false, `${ns}/${p} evicted`);
  assert.equal(await podExists('shop', 'logs-1'), true, 'DaemonSet pod stays');
  assert.equal(await podExists('shop', 'web-2'), true, 'pods on other nodes stay');

  const again = await run('k8s_drain', { name: 'node1', delete_options: deleteOptions });
  assert.equal(again.changed, false);
  assert.deepEqual(again.evicted_pods, []);

  const cordonAgain = await run('k8s_drain', { name: 'node1', state: 'cordon' });
  assert.equal(cordonAgain.changed, false);

  const uncordonCheck = await run('k8s_drain', { name: 'node1', state: 'uncordon' }, { check: true, diff: true });
  assert.equal(uncordonCheck.changed, true);
  assert.deepEqual((uncordonCheck.diff as { before: string; after: string }[])[0], { before: 'unschedulable: true\n', after: 'unschedulable: false\n', before_header: 'node/node1 spec.unschedulable', after_header: 'node/node1 spec.unschedulable' });
  assert.equal((await node('node1')).spec.unschedulable, true, 'check mode does not uncordon');
  assert.equal((await run('k8s_drain', { name: 'node1', state: 'uncordon' })).changed, true);
  assert.notEqual((await node('node1')).spec?.unschedulable, true);
  assert.equal((await run('k8s_drain', { name: 'node1', state: 'uncordon' })).changed, false);

  const missing = await run('k8s_drain', { name: 'nosuchnode', state: 'cordon' });
  assert.equal(missing.failed, true);
  assert.match(String(missing.msg), /node nosuchnode not found/);
});

test('k8s_drain: eviction that keeps answering 429 fails at wait_timeout naming the pod', opts, async () => {
  await sim.create(pod('stuck', 'shop', 'node3', { owner: { kind: 'ReplicaSet', name: 'stuck-rs' }, annotations: { 'sim.drover.dev/evict-429': '1000' } }));
  const r = await run('k8s_drain', { name: 'node3', delete_options: { wait_timeout: 2, wait_sleep: 1 } });
  assert.equal(r.failed, true);
  assert.match(String(r.msg), /evicting shop\/stuck was refused \d+ times until the timeout/);
  assert.deepEqual(r.pending_pods, ['shop/stuck']);
  assert.equal(await podExists('shop', 'stuck'), true);
  // disable_eviction deletes instead, past the budget.
  const del = await run('k8s_drain', { name: 'node3', delete_options: { disable_eviction: true, wait_sleep: 1 } });
  assert.equal(del.changed, true);
  assert.equal(await podExists('shop', 'stuck'), false);
  await run('k8s_drain', { name: 'node3', state: 'uncordon' });
});

test('k8s_node_label: set, idempotent, check mode, remove with null, diff', opts, async () => {
  const set = await run('k8s_node_label', { name: 'node2', labels: { tier: 'gold', zone: 'a', count: 3 } }, { diff: true });
  assert.equal(set.changed, true);
  const labels = (await node('node2')).metadata.labels;
  assert.deepEqual([labels.tier, labels.zone, labels.count], ['gold', 'a', '3']);
  assert.match((set.diff as { after: string }[])[0]!.after, /tier: gold/);
  assert.doesNotMatch((set.diff as { before: string }[])[0]!.before, /tier/);
  assert.equal((await run('k8s_node_label', { name: 'node2', labels: { tier: 'gold', zone: 'a', count: '3' } })).changed, false);

  const predicted = await run('k8s_node_label', { name: 'node2', labels: { zone: null, tier: 'silver' } }, { check: true, diff: true });
  assert.equal(predicted.changed, true);
  assert.deepEqual((predicted.labels as Record<string, string>).tier, 'silver');
  const unchanged = (await node('node2')).metadata.labels;
  assert.deepEqual([unchanged.tier, unchanged.zone], ['gold', 'a'], 'check mode leaves labels alone');

  assert.equal((await run('k8s_node_label', { name: 'node2', labels: { zone: null } })).changed, true);
  assert.equal('zone' in (await node('node2')).metadata.labels, false);
  assert.equal((await run('k8s_node_label', { name: 'node2', labels: { zone: null } })).changed, false);
  assert.equal((await run('k8s_node_label', { name: 'node2', labels: { tier: 'x', count: 'x' }, state: 'absent' })).changed, true);
  const left = (await node('node2')).metadata.labels;
  assert.equal('tier' in left || 'count' in left, false);
  assert.equal(left['kubernetes.io/hostname'], 'node2', 'other labels kept');
  // connection details from host vars, as the pod inventory sets them
  const viaVars = await run('k8s_node_label', { name: 'node2', labels: { fromvars: 'yes' }, kubeconfig: undefined }, { vars: { drover_k8s_kubeconfig: sim.kubeconfig, drover_k8s_context: 'sim' } });
  assert.equal(viaVars.changed, true);
});

test('k8s: create, unchanged, patch with diff, check mode, multi-document YAML, src file, absent', opts, async () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', labels: { app: 'web' } }, data: { color: 'blue' } };
  const predicted = await run('k8s', { definition: cm }, { check: true, diff: true });
  assert.equal(predicted.changed, true);
  assert.equal(predicted.method, 'create');
  assert.equal((await sim.api('GET', '/api/v1/namespaces/shop/configmaps/settings')).status, 404, 'check mode creates nothing');

  const created = await run('kubernetes.core.k8s', { definition: cm, state: 'present' });
  assert.equal(created.changed, true);
  assert.equal(created.method, 'create');
  assert.equal((await sim.api('GET', '/api/v1/namespaces/shop/configmaps/settings')).body.data.color, 'blue');
  const same = await run('k8s', { definition: cm });
  assert.equal(same.changed, false);

  const changedDef = { ...cm, data: { color: 'green' } };
  const patchCheck = await run('k8s', { definition: changedDef }, { check: true, diff: true });
  assert.equal(patchCheck.changed, true);
  assert.equal((await sim.api('GET', '/api/v1/namespaces/shop/configmaps/settings')).body.data.color, 'blue', 'check mode patches nothing');
  const patched = await run('k8s', { definition: changedDef }, { diff: true });
  assert.equal(patched.changed, true);
  assert.equal(patched.method, 'patch');
  const d = (patched.diff as { before: string; after: string; before_header: string }[])[0]!;
  assert.match(d.before, /color: blue/);
  assert.match(d.after, /color: green/);
  assert.equal(d.before_header, 'ConfigMap/shop/settings');
  assert.doesNotMatch(d.after, /resourceVersion|managedFields/);
  assert.equal((await sim.api('GET', '/api/v1/namespaces/shop/configmaps/settings')).body.data.color, 'green');
  assert.equal((await run('k8s', { definition: changedDef })).changed, false);

  // A YAML string with two documents; the namespace argument fills in where the manifests say none.
  const multi = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {a: "1"}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: two}\nstringData: {b: "2"}\ntype: Opaque\n';
  const both = await run('k8s', { definition: multi, namespace: 'shop' });
  assert.equal(both.changed, true);
  assert.deepEqual((both.result as { results: { method: string }[] }).results.map((r) => r.method), ['create', 'create']);
  assert.equal((await sim.api('GET', '/api/v1/namespaces/shop/configmaps/one')).status, 200);
  assert.equal((await sim.api('GET', '/api/v1/namespaces/shop/secrets/two')).status, 200);

  const dir = mkdtempSync(join(tmpdir(), 'drover-k8s-'));
  const src = join(dir, 'ns.yml');
  writeFileSync(src, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-src\n  labels: {team: a}\n');
  assert.equal((await run('k8s', { src })).changed, true);
  assert.equal((await sim.api('GET', '/api/v1/namespaces/from-src')).body.metadata.labels.team, 'a');
  assert.equal((await run('k8s', { src })).changed, false);

  const goneCheck = await run('k8s', { kind: 'ConfigMap', name: 'one', namespace: 'shop', state: 'absent' }, { check: true });
  assert.equal(goneCheck.changed, true);
  assert.equal((await sim.api('GET', '/api/v1/namespaces/shop/configmaps/one')).status, 200, 'check mode deletes nothing');
  const gone = await run('k8s', { definition: cm, state: 'absent' });
  assert.equal(gone.changed, true);
  assert.equal(gone.method, 'delete');
  assert.equal((await sim.api('GET', '/api/v1/namespaces/shop/configmaps/settings')).status, 404);
  assert.equal((await run('k8s', { definition: cm, state: 'absent' })).changed, false);

  // The server's refusal names the object and carries the API's message.
  const bad = await run('k8s', { definition: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'empty', namespace: 'shop' }, spec: { containers: [] } } });
  assert.equal(bad.failed, true);
  assert.match(String(bad.msg), /Pod\/shop\/empty: HTTP 422: .*spec.containers: Required value/);
});

test('k8s_info: by kind with label and field selectors, by name, unknown kinds', opts, async () => {
  await sim.create(pod('info-a', 'shop', 'node2', { labels: { app: 'info', tier: 'a' }, owner: { kind: 'ReplicaSet', name: 'x' } }));
  await sim.create(pod('info-b', 'shop', 'node2', { labels: { app: 'info', tier: 'b' }, owner: { kind: 'ReplicaSet', name: 'x' } }));
  const check = await run('kubernetes.core.k8s_info', { kind: 'Pod', namespace: 'shop', label_selectors: ['app=info'] }, { check: true });
  assert.equal(check.changed, false);
  const names = (r: ModuleResult): string[] => (r.resources as { metadata: { name: string } }[]).map((o) => o.metadata.name).sort();
  assert.deepEqual(names(check), ['info-a', 'info-b']);
  assert.equal((check.resources as { kind: string }[])[0]!.kind, 'Pod');
  assert.deepEqual(names(await run('k8s_info', { kind: 'Pod', namespace: 'shop', label_selectors: ['app=info', 'tier!=a'] })), ['info-b']);
  assert.deepEqual(names(await run('k8s_info', { kind: 'Pod', label_selectors: ['app=info'], field_selectors: ['metadata.name=info-a'] })), ['info-a']);
  assert.deepEqual(names(await run('k8s_info', { kind: 'Node', label_selectors: ['kubernetes.io/hostname=node3'] })), ['node3']);
  assert.deepEqual(names(await run('k8s_info', { kind: 'DaemonSet', api_version: 'apps/v1', namespace: 'shop', name: 'logs' })), ['logs']);
  assert.deepEqual((await run('k8s_info', { kind: 'Pod', namespace: 'shop', name: 'nope' })).resources, []);
  const unknown = await run('k8s_info', { kind: 'Widget', api_version: 'example.com/v1' });
  assert.equal(unknown.api_found, false, JSON.stringify(unknown));
  assert.equal(unknown.failed, undefined);
  assert.equal((await run('k8s_info', { kind: 'Widget', api_version: 'example.com/v1', name: 'w', namespace: 'shop' })).api_found, false);
});

test('k8s_wait: node Ready, pods Ready, readyz; a condition that never holds times out', opts, async () => {
  const ready = await run('k8s_wait', { node: 'node2' });
  assert.equal(ready.changed, false);
  assert.equal((ready.condition as { status: string }).status, 'True');
  const pods = await run('k8s_wait', { pods: { namespace: 'shop', label_selector: 'app=info', min_count: 2 }, timeout: 20, sleep: 0.2 });
  assert.equal(pods.failed, undefined, String(pods.msg));
  assert.equal(pods.ready_count, 2);
  const readyz = await run('k8s_wait', { readyz: true }, { check: true });
  assert.equal(readyz.readyz, true);
  const never = await run('k8s_wait', { node: 'node2', status: 'False', timeout: 1, sleep: 0.2 });
  assert.equal(never.failed, true);
  assert.match(String(never.msg), /timed out after 1s waiting for node node2 condition Ready=False/);
  const tooFew = await run('k8s_wait', { pods: { namespace: 'shop', label_selector: 'app=info', min_count: 3 }, timeout: 1, sleep: 0.2 });
  assert.equal(tooFew.failed, true);
  await assert.rejects(run('k8s_wait', { node: 'node2', readyz: true }), /exactly one of node, pods, readyz/);
});

const haveDist = existsSync(join(ROOT, 'dist', 'commands'));

test('a playbook drives the modules through the CLI: --check changes nothing, then a real run, then changed=0', { skip: !isRoot ? opts.skip : haveDist ? false : 'needs the compiled CLI (npm run build)' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-k8s-play-'));
  const pb = join(dir, 'site.yml');
  writeFileSync(pb, `- hosts: localhost
  gather_facts: false
  tasks:
    - name: cordon
      kubernetes.core.k8s_drain: {name: node3, state: cordon, kubeconfig: "{{ kc }}"}
    - name: label
      k8s_node_label: {name: node3, labels: {maintenance: "true"}, kubeconfig: "{{ kc }}"}
    - name: config
      kubernetes.core.k8s:
        kubeconfig: "{{ kc }}"
        definition:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: from-play, namespace: shop}
          data: {k: v}
    - name: wait for the API server
      k8s_wait: {readyz: true, kubeconfig: "{{ kc }}"}
`);
  const base = ['play', pb, '-e', `kc=${sim.kubeconfig}`, '--json'];
  const check = await drover([...base, '--check', '--diff']);
  assert.equal(check.code, 0, check.stderr);
  assert.equal(jsonSummary(check.stdout).stats.localhost!.changed, 3);
  const cordonEvent = jsonEvents(check.stdout).find((e) => e.type === 'host_result' && e.task === 'cordon');
  assert.deepEqual(cordonEvent?.result.diff?.[0]?.after, 'unschedulable: true\n', 'the diff travels in the task result');
  assert.notEqual((await node('node3')).spec?.unschedulable, true);
  assert.equal((await node('node3')).metadata.labels.maintenance, undefined);
  assert.equal((await sim.api('GET', '/api/v1/namespaces/shop/configmaps/from-play')).status, 404);

  const real = await drover(base);
  assert.equal(real.code, 0, real.stderr);
  assert.equal(jsonSummary(real.stdout).stats.localhost!.changed, 3);
  assert.equal((await node('node3')).spec.unschedulable, true);
  assert.equal((await node('node3')).metadata.labels.maintenance, 'true');

  const again = await drover(base);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(jsonSummary(again.stdout).stats.localhost!.changed, 0);

  // Unknown module arguments are caught when the playbook loads, before anything runs.
  writeFileSync(pb, '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - kubernetes.core.k8s_drain: {name: node3, colour: red}\n');
  const bad = await drover(['play', pb]);
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /unsupported parameter for module k8s_drain: colour/);
});
