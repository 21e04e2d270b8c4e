// Which container a command lands in: a pod whose first container is a sidecar and whose
// kubectl default-container annotation names `app`. The simulator gives each container its
// own root (/etc/sim-container says which), so a command in the wrong one shows. Checked
// through the pod inventory + CLI and through the connection with no container named.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { drover } from '../../helpers/cli.js';
import { KubernetesConnection } from '../../../src/connections/kubernetes.js';
import { loadInventory } from '../../../src/inventory/load-inventory.js';

let sim: K8sSim;
let dir: string;

function pod(name: string, containers: string[], annotations: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'side' }, annotations }, spec: { nodeName: 'node1', containers: containers.map((c) => ({ name: c, image: 'debian' })) } };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-podctr-'));
  sim = await startK8sSim({ name: 'podctr-L', host: '127.60.0.5' });
  await sim.create(pod('side-1', ['istio-proxy', 'app'], { 'kubectl.kubernetes.io/default-container': 'app' }));
  await sim.create(pod('plain-1', ['first', 'second']));
});

after(async () => {
  await sim?.stop();
});

test('the simulator: each container has its own root, the pod shares one name', () => {
  assert.equal(sim.podShell('default', 'side-1', 'cat /etc/sim-container', 'app').stdout, 'app\n');
  assert.equal(sim.podShell('default', 'side-1', 'cat /etc/sim-container', 'istio-proxy').stdout, 'istio-proxy\n');
  sim.podShell('default', 'side-1', 'echo only-here > /tmp/mark', 'app');
  assert.notEqual(sim.podShell('default', 'side-1', 'cat /tmp/mark', 'istio-proxy').rc, 0, 'a file in one container is not in the other');
  assert.equal(sim.podShell('default', 'side-1', 'hostname', 'istio-proxy').stdout, 'side-1\n');
});

test('the pod inventory names the annotated default container, else the first', async () => {
  const file = join(dir, 'pods.k8s.yml');
  writeFileSync(file, `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    namespaces: [default]\n`);
  const inv = await loadInventory([file]);
  assert.equal(inv.hostVars('default/side-1').drover_k8s_container, 'app');
  assert.equal(inv.hostVars('default/plain-1').drover_k8s_container, 'first');
  const r = await drover(['run', 'all', '-i', file, '-a', 'cat /etc/sim-container', '-f', '2']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /changed: \[default\/side-1\][^]*?"stdout": "app"/);
  assert.match(r.stdout, /changed: \[default\/plain-1\][^]*?"stdout": "first"/);
});

test('the connection with no container named asks the pod like kubectl: commands and files land in `app`', async () => {
  const c = new KubernetesConnection('default/side-1', { drover_k8s_kubeconfig: sim.kubeconfig });
  try {
    assert.equal((await c.exec('cat /etc/sim-container')).stdout, 'app\n');
    await c.put(Buffer.from('x\n'), '/tmp/put-here');
    assert.equal(sim.podShell('default', 'side-1', 'cat /tmp/put-here', 'app').stdout, 'x\n');
    assert.notEqual(sim.podShell('default', 'side-1', 'cat /tmp/put-here', 'istio-proxy').rc, 0);
  } finally {
    await c.close();
  }
});
