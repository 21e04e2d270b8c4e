// npm run k8s-sim -- up [PODS] | down | status: a simulator for humans, examples and benchmarks.
// `up` starts it under $DROVER_K8S_SIM_ROOT (default /tmp/drover-k8s-sim) with nodes node1..3
// and PODS pods (label app=web, namespace shop), and writes a pod inventory beside it.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachK8sSim, startK8sSim } from './sim.js';
import { seedPods } from './seed.js';

const ROOT = process.env.DROVER_K8S_SIM_ROOT ?? '/tmp/drover-k8s-sim';
const [cmd, arg] = process.argv.slice(2);

if (cmd === 'up') {
  const n = Number(arg ?? 5);
  const t0 = Date.now();
  const sim = await startK8sSim({ root: ROOT });
  await seedPods(sim, n);
  const inv = join(ROOT, 'pods.k8s.yml');
  writeFileSync(inv, `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    namespaces: [shop]\n    label_selectors: app=web\n`);
  console.log(`k8s simulator up at ${sim.url} (pid ${sim.pid}) with ${n} pods in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
  console.log(`kubeconfig:    ${sim.kubeconfig}\npod inventory: ${inv}\n`);
  console.log(`try: KUBECONFIG=${sim.kubeconfig} kubectl get pods -n shop -o wide`);
  console.log(`     node bin/run.js play playbooks/pods/run-command.yml -i ${inv}`);
} else if (cmd === 'down') {
  if (!existsSync(join(ROOT, 'ready.json'))) {
    console.log('no simulator running');
  } else {
    await attachK8sSim(ROOT).stop();
    console.log('k8s simulator down: server and every pod sandbox stopped');
  }
} else if (cmd === 'status') {
  if (!existsSync(join(ROOT, 'ready.json'))) console.log('no simulator running');
  else {
    const sim = attachK8sSim(ROOT);
    const r = await sim.kubectl(['get', 'pods', '-A', '-o', 'wide']);
    console.log(`${sim.url} (pid ${sim.pid})\n${r.stdout}${r.stderr}`);
  }
} else {
  console.error('usage: npm run k8s-sim -- up [PODS] | down | status');
  process.exit(2);
}
