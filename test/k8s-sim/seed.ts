// Seed a simulator with nodes and pods, for the CLI, the examples and the benchmark.
import type { K8sSim } from './sim.js';

/** Nodes node1..nodes and `pods` pods web-1..web-N in namespace `namespace`, spread over the nodes. */
export async function seedPods(sim: K8sSim, pods: number, options: { namespace?: string; nodes?: number; label?: Record<string, string>; prefix?: string } = {}): Promise<string[]> {
  const ns = options.namespace ?? 'shop';
  const nodes = options.nodes ?? 3;
  for (let i = 1; i <= nodes; i++) await sim.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node${i}`, labels: { 'node-role.kubernetes.io/worker': '' } } }).catch(() => undefined);
  if (ns !== 'default') await sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch(() => undefined);
  const names = Array.from({ length: pods }, (_, i) => `${options.prefix ?? 'web'}-${i + 1}`);
  // a few at a time: each pod is a real sandbox and the machine has two cores
  for (let i = 0; i < names.length; i += 10) {
    await Promise.all(names.slice(i, i + 10).map((name, j) => sim.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: options.label ?? { app: 'web' } }, spec: { nodeName: `node${((i + j) % nodes) + 1}`, containers: [{ name: 'app', image: 'debian' }] } })));
  }
  return names;
}
