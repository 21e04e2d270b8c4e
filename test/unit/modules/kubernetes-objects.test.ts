// The pure parts of k8s, k8s_node_label and the registry: merge-patch semantics, manifest
// shapes, label patches, where the cluster comes from, and that loading the module registry
// does not load @kubernetes/client-node (every command loads the registry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { findModule } from '../../../src/modules/index.js';
import { unknownArgs } from '../../../src/modules/args.js';
import { isSubset, mergePatch, withoutBookkeeping } from '../../../src/modules/kubernetes/object-merge.js';
import { manifestDocs, manifestRef, withDefaults } from '../../../src/modules/kubernetes/manifests.js';
import { applyLabelPatch, labelPatch } from '../../../src/modules/kubernetes/node-label.js';
import { kubeTargetFor } from '../../../src/modules/kubernetes/kube-target.js';
import { podReady } from '../../../src/modules/kubernetes/wait.js';
import { ROOT } from '../../helpers/cli.js';

test('isSubset: fields the server adds do not count; lists compare item by item; null means absent', () => {
  const have = { metadata: { name: 'a', uid: 'u', labels: { x: '1' } }, spec: { containers: [{ name: 'c', image: 'i', imagePullPolicy: 'Always' }] } };
  assert.equal(isSubset({ metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] } }, have), true);
  assert.equal(isSubset({ spec: { containers: [{ name: 'c', image: 'j' }] } }, have), false);
  assert.equal(isSubset({ spec: { containers: [] } }, have), false, 'a shorter list is a change');
  assert.equal(isSubset({ metadata: { labels: { y: null } } }, have), true);
  assert.equal(isSubset({ metadata: { labels: { x: null } } }, have), false);
  assert.equal(isSubset({ data: { n: true } }, { data: { n: 'true' } }), false, 'a boolean is not its string');
  assert.equal(isSubset({ data: { n: 2 } }, { data: { n: '1' } }), false);
  // the server returns quantities canonically, so a number the user wrote equals its quantity string
  assert.equal(isSubset({ resources: { cpu: 0.5, memory: 1 } }, { resources: { cpu: '500m', memory: '1' } }), true);
});

test('mergePatch follows RFC 7386; withoutBookkeeping drops status and server metadata', () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3], f: 'x' }), { a: 1, b: { d: 3, e: 4 }, l: [3], f: 'x' });
  assert.deepEqual(withoutBookkeeping({ kind: 'X', metadata: { name: 'n', resourceVersion: '3', managedFields: [], uid: 'u' }, status: {} }), { kind: 'X', metadata: { name: 'n' } });
});

test('manifestDocs: mapping, list, multi-document YAML, kind List; YAML errors name the argument', () => {
  const yaml = 'kind: ConfigMap\nmetadata: {name: a}\n---\n---\nkind: List\nitems:\n  - {kind: Secret, metadata: {name: b}}\n';
  assert.deepEqual(manifestDocs(yaml).map(manifestRef), ['ConfigMap/a', 'Secret/b']);
  assert.deepEqual(manifestDocs([{ kind: 'A', metadata: { name: 'x' } }, [{ kind: 'B', metadata: { name: 'y' } }]]).map(manifestRef), ['A/x', 'B/y']);
  assert.throws(() => manifestDocs('a: [1', 'src'), /src: YAML error/);
  assert.throws(() => manifestDocs(42), /expected a mapping, a list or YAML text/);
  const filled = withDefaults({ kind: 'ConfigMap', metadata: { name: 'a' } }, { namespace: 'shop', apiVersion: 'v1' });
  assert.deepEqual(filled, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', namespace: 'shop' } });
  assert.equal(withDefaults({ metadata: { namespace: 'own' } }, { namespace: 'shop' }).metadata!.namespace, 'own', "a manifest's namespace wins");
});

test('labelPatch: only what differs; null and state absent remove; values become strings', () => {
  const cur = { a: '1', b: 'x' };
  assert.equal(labelPatch(cur, { a: 1, b: 'x', gone: null }, 'present'), undefined);
  assert.deepEqual(labelPatch(cur, { a: '2', b: null, c: true }, 'present'), { a: '2', b: null, c: 'true' });
  assert.deepEqual(labelPatch(cur, { a: 'whatever', zz: 'q' }, 'absent'), { a: null });
  assert.deepEqual(applyLabelPatch(cur, { a: '2', b: null }), { a: '2' });
  assert.throws(() => labelPatch(cur, { a: { nested: 1 } }, 'present'), /labels\.a: a label value must be a string/);
});

test('kubeTargetFor: task args, then the pod inventory host vars, else unset (the environment)', () => {
  assert.deepEqual(kubeTargetFor({ args: { kubeconfig: '/a', context: 'c' }, vars: { drover_k8s_kubeconfig: '/b', drover_k8s_context: 'd' } }), { kubeconfig: '/a', context: 'c' });
  assert.deepEqual(kubeTargetFor({ args: {}, vars: { drover_k8s_kubeconfig: '/b', drover_k8s_context: 'd' } }), { kubeconfig: '/b', context: 'd' });
  assert.deepEqual(kubeTargetFor({ args: { kubeconfig: '' }, vars: {} }), { kubeconfig: undefined, context: undefined });
});

test('podReady reads the Ready condition', () => {
  assert.equal(podReady({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }), true);
  assert.equal(podReady({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } }), false);
  assert.equal(podReady({}), false);
});

test("registry: Drover names, kubernetes.core names and ansible.builtin forms resolve; all controller-only with check mode", () => {
  const pairs: [string, string][] = [['k8s', 'kubernetes.core.k8s'], ['k8s_info', 'kubernetes.core.k8s_info'], ['k8s_drain', 'kubernetes.core.k8s_drain'], ['k8s_node_label', 'ansible.builtin.k8s_node_label'], ['k8s_wait', 'k8s_wait']];
  for (const [name, alias] of pairs) {
    const def = findModule(alias);
    assert.equal(def?.name, name, alias);
    assert.equal(def.controllerOnly, true);
    assert.equal(def.supportsCheck, true);
    assert.deepEqual(unknownArgs(def, ['kubeconfig', 'context']), []);
  }
  assert.deepEqual(unknownArgs(findModule('k8s_drain')!, ['name', 'state', 'delete_options', 'label_selectors', 'colour']), ['colour']);
});

test('loading the module registry and the inventory loader does not load @kubernetes/client-node', () => {
  // A resolve hook (registered after tsx, so it sees every import first) reports client-node imports.
  const script = `
    import { register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const seen = [];
    port1.on('message', (m) => seen.push(m));
    const hook = 'let port; export function initialize(d) { port = d.port; } export async function resolve(s, c, next) { if (s.includes("@kubernetes/client-node")) port.postMessage(s); return next(s, c); }';
    register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] });
    await import('./src/modules/index.ts');
    await import('./src/inventory/load-inventory.ts');
    await new Promise((r) => setTimeout(r, 100));
    const before = seen.length;
    await import('./src/modules/kubernetes/kube-target.ts').then((m) => m.kubeFor).catch(() => undefined);
    await import('@kubernetes/client-node');
    await new Promise((r) => setTimeout(r, 100));
    console.log(JSON.stringify({ before, after: seen.length }));
    port1.close();
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { before, after } = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(before, 0, 'client-node was imported at startup');
  assert.ok(after > 0, 'the hook saw client-node once it was imported (the check works)');
});
