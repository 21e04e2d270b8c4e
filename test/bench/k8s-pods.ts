// npm run bench (second part): one command in N pods of the API simulator, four ways:
// Drover's kubernetes connection (pod inventory, one shared client), a `kubectl exec` loop
// (one after another, as a shell script does it), the same loop all in parallel (a floor for
// kubectl), and Ansible's kubernetes.core.kubectl connection (Debian's ansible) with `raw`
// (its fastest path: no Python module shipped) and with `command` (the module path; forks=25). Every run's output is
// checked: all N pods must answer with their own hostname. Medians of BENCH_RUNS runs.
//   BENCH_PODS=100 BENCH_RUNS=3 node --import tsx test/bench/k8s-pods.ts
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startK8sSim, type K8sSim } from '../k8s-sim/sim.js';
import { seedPods } from '../k8s-sim/seed.js';
import { median, timed } from './timed.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PODS = Number(process.env.BENCH_PODS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const NS = 'bench';

/** Every pod answered with its own name (the command is `cat /etc/hostname`). */
function answeredAll(out: string, pods: string[]): boolean {
  return pods.every((p) => new RegExp(`(^|[^-\\w])${p}\\b`, 'm').test(out));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'drover-k8s-bench-'));
  const sim: K8sSim = await startK8sSim({ root: join(dir, 'sim') });
  try {
    const t0 = Date.now();
    const pods = await seedPods(sim, PODS, { namespace: NS, nodes: 4, label: { app: 'bench' }, prefix: 'pod' });
    console.error(`${PODS} pods running in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const droverInv = join(dir, 'pods.k8s.yml');
    writeFileSync(droverInv, `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    namespaces: [${NS}]\n    label_selectors: app=bench\n`);
    const ansibleInv = join(dir, 'ansible.ini');
    writeFileSync(ansibleInv, `[pods]\n${pods.map((p) => `${p} ansible_kubectl_pod=${p}`).join('\n')}\n\n[pods:vars]\nansible_connection=kubernetes.core.kubectl\nansible_kubectl_namespace=${NS}\nansible_kubectl_kubeconfig=${sim.kubeconfig}\nansible_python_interpreter=/usr/bin/python3\n`);
    const cfg = join(dir, 'ansible.cfg');
    writeFileSync(cfg, `[defaults]\nforks = ${PODS}\nhost_key_checking = False\nretry_files_enabled = False\ngathering = explicit\n[ssh_connection]\npipelining = True\n`);
    const kenv = { KUBECONFIG: sim.kubeconfig, KUBECACHEDIR: join(dir, 'kube-cache') };
    const aenv = { ...kenv, ANSIBLE_CONFIG: cfg, ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'), ANSIBLE_STDOUT_CALLBACK: 'minimal' };
    const loop = pods.map((p) => `kubectl exec -n ${NS} ${p} -- cat /etc/hostname`).join('\n');
    const ways: { name: string; cmd: string[]; env?: Record<string, string> }[] = [
      { name: 'Drover (kubernetes connection)', cmd: [process.execPath, join(ROOT, 'bin', 'run.js'), 'run', 'all', '-i', droverInv, '-a', 'cat /etc/hostname', '-f', String(PODS)] },
      { name: '`kubectl exec` loop, sequential', cmd: ['sh', '-c', loop], env: kenv },
      { name: '`kubectl exec`, all in parallel', cmd: ['sh', '-c', `${loop.split('\n').map((l) => `${l} &`).join('\n')}\nwait`], env: kenv },
      { name: 'Ansible kubectl connection, `raw`', cmd: ['ansible', 'pods', '-i', ansibleInv, '-m', 'raw', '-a', 'cat /etc/hostname'], env: aenv },
      // at forks=N the module path (several kubectl execs per pod) overloads 2 cores: kubectl's TLS handshakes time out
      { name: 'Ansible kubectl connection, `command`, forks=25', cmd: ['ansible', 'pods', '-i', ansibleInv, '-m', 'command', '-a', 'cat /etc/hostname'], env: { ...aenv, ANSIBLE_FORKS: '25' } },
    ];
    const rows: { name: string; seconds: number; rss: number }[] = [];
    for (const w of ways) {
      const secs: number[] = [];
      let rss = 0;
      for (let r = 0; r < RUNS; r++) {
        const t = await timed(w.cmd, w.env);
        if (t.code !== 0 || !answeredAll(t.out, pods)) throw new Error(`${w.name}: exit ${t.code}, not every pod answered:\n${t.out.slice(-3000)}`);
        secs.push(t.seconds);
        rss = Math.max(rss, t.maxRssKb);
        console.error(`${w.name}: run ${r + 1}: ${t.seconds.toFixed(2)} s`);
      }
      rows.push({ name: w.name, seconds: median(secs), rss });
    }
    const drover = rows[0]!.seconds;
    const lines = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${(await import('node:os')).cpus().length} cores; one command (\`cat /etc/hostname\`) in ${PODS} pods of the API simulator; medians of ${RUNS} runs; every run checked that all ${PODS} pods answered.`,
      '',
      '| way | seconds | × Drover | peak RSS of one process |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.seconds.toFixed(2)} | ${(r.seconds / drover).toFixed(1)}× | ${Math.round(r.rss / 1024)} MB |`),
      '',
    ];
    const text = lines.join('\n');
    writeFileSync(join(HERE, 'k8s-results.md'), text);
    console.log(text);
  } finally {
    await sim.stop();
  }
}

await main();
