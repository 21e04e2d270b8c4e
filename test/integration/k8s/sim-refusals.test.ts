// The simulator refuses what a real API server refuses, checked with real kubectl, the raw
// API and Drover's modules: stale resourceVersions (409), unknown field selectors (400),
// non-string labels and ConfigMap values (400), eviction bodies (400), paging with
// limit/continue, an RBAC switch (403), and canonical quantities, against which the `k8s`
// module stays idempotent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { drover, jsonSummary } from '../../helpers/cli.js';

let sim: K8sSim;
let dir: string;

/** Run one module task on localhost through the CLI; its JSON summary and output. */
async function task(name: string, args: Record<string, unknown>): Promise<{ code: number; out: string; changed?: number }> {
  const pb = join(dir, `${name}-${Math.random().toString(16).slice(2)}.yml`);
  writeFileSync(pb, JSON.stringify([{ hosts: 'localhost', gather_facts: false, tasks: [{ [name]: { kubeconfig: sim.kubeconfig, ...args } }] }]));
  const r = await drover(['play', pb, '-i', 'localhost,', '-c', 'local', '--json'], { timeoutMs: 60_000 });
  let changed: number | undefined;
  try {
    changed = jsonSummary(r.stdout).stats.localhost?.changed;
  } catch {
    /* no summary */
  }
  return { code: r.code, out: r.stdout + r.stderr, changed };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-simref-'));
  sim = await startK8sSim({ name: 'simref-L', host: '127.60.0.9' });
  await sim.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });
  for (let i = 1; i <= 5; i++) await sim.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'default' }, data: { i: String(i) } });
});

after(async () => {
  await sim?.stop();
});

test('a PUT or PATCH with a stale resourceVersion gets 409 (raw API and kubectl)', async () => {
  const cm = (await sim.api('GET', '/api/v1/namespaces/default/configmaps/cm-1')).body;
  const stale = cm.metadata.resourceVersion;
  assert.equal((await sim.api('PUT', '/api/v1/namespaces/default/configmaps/cm-1', { ...cm, data: { i: 'one' } })).status, 200);
  const put = await sim.api('PUT', '/api/v1/namespaces/default/configmaps/cm-1', { ...cm, data: { i: 'uno' } });
  assert.equal(put.status, 409);
  assert.equal(put.body.reason, 'Conflict');
  const patch = await sim.api('PATCH', '/api/v1/namespaces/default/configmaps/cm-1', { metadata: { resourceVersion: stale }, data: { i: 'eins' } }, 'application/merge-patch+json');
  assert.equal(patch.status, 409);
  const k = await sim.kubectl(['label', 'configmap', 'cm-1', 'x=y', `--resource-version=${stale}`]);
  assert.notEqual(k.rc, 0);
  assert.match(k.stderr, /Conflict|the object has been modified/);
});

test('an unknown field selector is 400, for kubectl and the k8s_info module', async () => {
  const k = await sim.kubectl(['get', 'pods', '--field-selector', 'spec.foo=bar']);
  assert.notEqual(k.rc, 0);
  assert.match(k.stderr, /field label not supported: spec\.foo/);
  assert.equal((await sim.kubectl(['get', 'pods', '--field-selector', 'spec.nodeName=node1'])).rc, 0);
  const m = await task('k8s_info', { kind: 'Pod', namespace: 'default', field_selectors: ['spec.foo=bar'] });
  assert.equal(m.code, 2, m.out);
  assert.match(m.out, /field label not supported: spec\.foo/);
});

test('labels and ConfigMap data must be strings (a YAML boolean is caught), label values well formed', async () => {
  const bad = await sim.api('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b1', labels: { enabled: true } } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /cannot unmarshal bool into Go struct field ObjectMeta\.metadata\.labels of type string/);
  assert.equal((await sim.api('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b2' }, data: { port: 8080 } })).status, 400);
  assert.equal((await sim.api('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b3', labels: { a: 'has space' } } })).status, 422);
  const m = await task('k8s', { definition: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b4', namespace: 'default', labels: { enabled: true } }, data: { k: 'v' } } });
  assert.equal(m.code, 2, m.out);
  assert.match(m.out, /cannot unmarshal bool/);
  assert.equal((await sim.api('GET', '/api/v1/namespaces/default/configmaps/b4')).status, 404);
});

test('eviction bodies are checked: an Eviction naming the pod', async () => {
  await sim.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ev-1', namespace: 'default' }, spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'debian' }] } });
  const path = '/api/v1/namespaces/default/pods/ev-1/eviction';
  assert.equal((await sim.api('POST', path, { apiVersion: 'policy/v1', kind: 'DeleteOptions' })).status, 400);
  assert.equal((await sim.api('POST', path, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'other' } })).status, 400);
  assert.equal((await sim.api('POST', path, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'ev-1', namespace: 'default' } })).status, 201);
});

test('lists page with limit and continue; kubectl --chunk-size walks every page', async () => {
  const first = await sim.api('GET', '/api/v1/namespaces/default/configmaps?limit=2');
  assert.equal(first.body.items.length, 2);
  assert.ok(first.body.metadata.continue);
  const names: string[] = first.body.items.map((o: { metadata: { name: string } }) => o.metadata.name);
  let token: string | undefined = first.body.metadata.continue;
  while (token) {
    const next = await sim.api('GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(token)}`);
    names.push(...next.body.items.map((o: { metadata: { name: string } }) => o.metadata.name));
    token = next.body.metadata.continue;
  }
  const all = (await sim.api('GET', '/api/v1/namespaces/default/configmaps')).body.items.map((o: { metadata: { name: string } }) => o.metadata.name);
  assert.deepEqual(names, all);
  const k = await sim.kubectl(['get', 'configmaps', '--chunk-size=2', '-o', 'name']);
  assert.equal(k.rc, 0, k.stderr);
  assert.deepEqual(k.stdout.trim().split('\n'), all.map((n: string) => `configmap/${n}`));
});

test('the RBAC switch answers 403 for a named verb and resource; kubectl and k8s_node_label say Forbidden', async () => {
  writeFileSync(join(sim.root, 'forbid'), 'patch nodes\n');
  try {
    const k = await sim.kubectl(['label', 'node', 'node1', 'a=b']);
    assert.notEqual(k.rc, 0);
    assert.match(k.stderr, /forbidden/i);
    const m = await task('k8s_node_label', { name: 'node1', labels: { a: 'b' } });
    assert.equal(m.code, 2, m.out);
    assert.match(m.out, /HTTP 403 Forbidden of context 'sim'/);
    assert.equal((await sim.kubectl(['get', 'node', 'node1'])).rc, 0, 'other verbs still allowed');
  } finally {
    rmSync(join(sim.root, 'forbid'), { force: true });
  }
});

test('quantities come back canonical (cpu 0.5 → 500m) and the k8s module is idempotent against them', async () => {
  const deploy = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'q', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'q' } }, template: { metadata: { labels: { app: 'q' } }, spec: { containers: [{ name: 'app', image: 'debian', resources: { requests: { cpu: 0.5, memory: '1024Mi' }, limits: { cpu: '1.5', memory: 1000000 } } }] } } },
  };
  const first = await task('k8s', { definition: deploy });
  assert.equal(first.code, 0, first.out);
  assert.equal(first.changed, 1);
  const k = await sim.kubectl(['get', 'deployment', 'q', '-o', 'jsonpath={.spec.template.spec.containers[0].resources}']);
  assert.deepEqual(JSON.parse(k.stdout), { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1500m', memory: '1M' } });
  const again = await task('k8s', { definition: deploy });
  assert.equal(again.code, 0, again.out);
  assert.equal(again.changed, 0, 'same quantities, other spelling: nothing to change');
});

test('--graceful-delete: a deleted or evicted pod is Terminating for its grace period; grace 0 removes it at once; k8s_drain waits it out', async () => {
  const g = await startK8sSim({ name: 'simref-grace-L', host: '127.60.0.15', gracefulDelete: true });
  try {
    await g.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });
    const pod = (name: string): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'node1', terminationGracePeriodSeconds: 3, containers: [{ name: 'app', image: 'debian' }] } });
    await Promise.all(['g-1', 'g-2', 'g-3'].map((n) => g.create(pod(n))));
    const d = await g.kubectl(['delete', 'pod', 'g-1', '--wait=false']);
    assert.equal(d.rc, 0, d.stderr);
    const terminating = (await g.api('GET', '/api/v1/namespaces/default/pods/g-1')).body;
    assert.ok(terminating.metadata.deletionTimestamp, 'Terminating, not gone');
    assert.equal(terminating.metadata.deletionGracePeriodSeconds, 3);
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      gone = (await g.api('GET', '/api/v1/namespaces/default/pods/g-1')).status === 404;
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(gone, 'gone after the grace period');
    assert.equal((await g.kubectl(['delete', 'pod', 'g-2', '--grace-period=0', '--force'])).rc, 0);
    assert.equal((await g.api('GET', '/api/v1/namespaces/default/pods/g-2')).status, 404, 'grace 0: at once');
    const pb = join(dir, 'drain-grace.yml');
    writeFileSync(pb, JSON.stringify([{ hosts: 'localhost', gather_facts: false, tasks: [{ k8s_drain: { kubeconfig: g.kubeconfig, name: 'node1', delete_options: { force: true, wait_timeout: 60, wait_sleep: 1 } } }] }]));
    const r = await drover(['play', pb, '-i', 'localhost,', '-c', 'local'], { timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((await g.api('GET', '/api/v1/namespaces/default/pods/g-3')).status, 404, 'drain returned once the evicted pod was gone');
  } finally {
    await g.stop();
  }
});
