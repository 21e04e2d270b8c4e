// The cluster checks against the Kubernetes API simulator (test/k8s-sim, external-controllers
// mode so nothing changes state behind the test): a NotReady node, a crash-looping pod, a pod
// Pending too long, a stale leader lock and an unsupported kubelet skew each fail, and pass
// once removed. (Not the deployed cluster world: see README "Inspection".)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { drover } from '../../helpers/cli.js';
import { failures, inspectJson } from './inspect-fleet.js';

let sim: K8sSim;
let dir: string;
let inv: string;
const API = 'v1.32.0-drover-sim';

before(async () => {
  sim = await startK8sSim({ name: 'inspect-cluster', host: '127.54.0.200', externalControllers: true });
  dir = mkdtempSync(join(tmpdir(), 'drover-inspect-cluster-'));
  inv = join(dir, 'inventory.yml');
  writeFileSync(inv, `all:\n  hosts:\n    controller: {ansible_connection: local}\n  vars:\n    inspect_kubeconfig: ${sim.kubeconfig}\n    inspect_overrides: {pods-pending: {warning: 1}}\n`);
});

after(async () => {
  await sim?.stop();
});

async function kubectl(args: string[], input?: string): Promise<void> {
  const r = await sim.kubectl(['create', 'apply'].includes(args[0]!) ? [...args, '--validate=false'] : args, { input });
  assert.equal(r.rc, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
}

const lock = (name: string, renewed: Date): string => JSON.stringify({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'kube-system', annotations: { 'control-plane.alpha.kubernetes.io/leader': JSON.stringify({ holderIdentity: 'cp1', leaseDurationSeconds: 15, acquireTime: renewed.toISOString(), renewTime: renewed.toISOString(), leaderTransitions: 0 }) } } });

async function nodeStatus(name: string, ready: string, kubelet: string): Promise<void> {
  const t = new Date(Date.now() - 120_000).toISOString();
  const status = { conditions: [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : 'NodeStatusUnknown', lastHeartbeatTime: t, lastTransitionTime: t }], nodeInfo: { kubeletVersion: kubelet } };
  await kubectl(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

async function healthy(): Promise<void> {
  for (const n of ['kube-controller-manager', 'kube-scheduler']) await kubectl(['apply', '-f', '-'], lock(n, new Date()));
  await nodeStatus('n1', 'True', API);
  await nodeStatus('n2', 'True', API);
}

test('a healthy cluster: every cluster check passes (exit 0); without a kubeconfig they do not run', async () => {
  for (const n of ['n1', 'n2']) await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: n } }));
  await healthy();
  const { res, findings } = await inspectJson(['-i', inv, '--only', 'cluster']);
  assert.deepEqual(failures(findings), []);
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual([...new Set(findings.filter((f) => f.host === 'cluster').map((f) => f.check))].sort(), ['apiserver-healthz', 'leader-locks', 'nodes-ready', 'pods-pending', 'pods-restarting', 'version-skew']);
  const bare = join(dir, 'bare.yml');
  writeFileSync(bare, 'all:\n  hosts:\n    controller: {ansible_connection: local}\n');
  const without = await drover(['inspect', '-i', bare, '--only', 'cluster']);
  assert.equal(without.code, 0);
  assert.match(without.stderr, /6 cluster check\(s\) not run: no --kubeconfig/);
});

test('planted: NotReady node, crash-looping pod, pod Pending too long, stale lock, kubelet 3 minors behind; then removed', async () => {
  await nodeStatus('n2', 'Unknown', API);
  await nodeStatus('n1', 'True', 'v1.29.4');
  await kubectl(['apply', '-f', '-'], lock('kube-scheduler', new Date(Date.now() - 60_000)));
  await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crashy', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'debian' }] } }));
  await kubectl(['patch', 'pod', 'crashy', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', containerStatuses: [{ name: 'app', image: 'debian', imageID: '', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } })]);
  await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'waiting', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'debian' }] } }));
  await new Promise((r) => setTimeout(r, 2500));
  await kubectl(['apply', '-f', '-'], lock('kube-controller-manager', new Date()));
  let r = await inspectJson(['-i', inv, '--only', 'cluster']);
  assert.deepEqual(failures(r.findings), [
    'leader-locks cluster kube-scheduler critical',
    'nodes-ready cluster node/n2 critical',
    'pods-pending cluster pod/default/waiting warning',
    'pods-restarting cluster pod/default/crashy critical',
    'version-skew cluster node/n1 critical',
  ]);
  assert.equal(r.res.code, 2);
  assert.match(r.findings.find((f) => f.check === 'nodes-ready' && f.status !== 'ok')!.message, /Ready=Unknown \(NodeStatusUnknown\) for 1\d\d s/);
  await kubectl(['delete', 'pod', 'crashy', 'waiting', '--grace-period=0', '--force']);
  await healthy();
  r = await inspectJson(['-i', inv, '--only', 'cluster']);
  assert.deepEqual(failures(r.findings), []);
  assert.equal(r.res.code, 0);
});
