// npm run bench:k8s (third part): Drover's kubernetes connection against a server offering
// exec v5 and against one offering only v4 (clusters before 1.30): one command in N pods, and a
// copy of a FILE_MB file into N pods at once (-f N). Every run checks every pod's answer /
// the copied file's sha256 in every pod. Peak RSS is the controller's (GNU time). The copy
// runs with -T 120: the simulator, not Drover, is the bottleneck at this volume.
//   BENCH_COPY_PODS=50 BENCH_COPY_MB=100 node --import tsx test/bench/k8s-protocols.ts
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startK8sSim } from '../k8s-sim/sim.js';
import { seedPods } from '../k8s-sim/seed.js';
import { timed } from './timed.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '..', '..', 'bin', 'run.js');
const PODS = Number(process.env.BENCH_COPY_PODS ?? 50);
const MB = Number(process.env.BENCH_COPY_MB ?? 100);
const NS = 'bench';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'drover-k8s-proto-'));
  const blob = randomBytes(MB * 1024 * 1024);
  const file = join(dir, 'blob.bin');
  writeFileSync(file, blob);
  const want = createHash('sha256').update(blob).digest('hex');
  const rows: string[] = [];
  const setups: { name: string; protocols?: string[]; host: string }[] = [
    { name: 'v5 offered', host: '127.61.0.1' },
    { name: 'v4 only (no v5)', protocols: ['v4.channel.k8s.io'], host: '127.61.0.2' },
  ];
  for (const s of setups) {
    const sim = await startK8sSim({ root: join(dir, `sim-${s.host}`), host: s.host, execProtocols: s.protocols });
    try {
      const pods = await seedPods(sim, PODS, { namespace: NS, nodes: 4, label: { app: 'bench' }, prefix: 'pod' });
      const inv = join(dir, `pods-${s.host}.k8s.yml`);
      writeFileSync(inv, `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    namespaces: [${NS}]\n    label_selectors: app=bench\n`);
      const cmd = await timed([process.execPath, BIN, 'run', 'all', '-i', inv, '-a', 'cat /etc/hostname', '-f', String(PODS)]);
      if (cmd.code !== 0 || !pods.every((p) => cmd.out.includes(p))) throw new Error(`${s.name}: command: exit ${cmd.code}\n${cmd.tail}`);
      const pb = join(dir, 'copy.yml');
      writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { src: ${file}, dest: /tmp/blob.bin, mode: "0600" }\n`);
      // -T 120: the simulator (one Node process relaying every byte) answers new exec upgrades slowly under this load
      const copy = await timed([process.execPath, BIN, 'play', pb, '-i', inv, '-f', String(PODS), '-T', '120']);
      if (copy.code !== 0) throw new Error(`${s.name}: copy: exit ${copy.code}\n${copy.out.split('\n').filter((l) => /UNREACHABLE|FAILED/.test(l)).slice(0, 3).join('\n')}\n${copy.tail}`);
      for (const p of pods) if (sim.podShell(NS, p, 'sha256sum < /tmp/blob.bin').stdout.split(' ')[0] !== want) throw new Error(`${s.name}: ${p} has a wrong copy`);
      rows.push(`| ${s.name} | ${cmd.seconds.toFixed(2)} | ${Math.round(cmd.maxRssKb / 1024)} MB | ${copy.seconds.toFixed(1)} | ${Math.round(copy.maxRssKb / 1024)} MB |`);
      console.error(rows[rows.length - 1]);
    } finally {
      await sim.stop();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const text = [
    `Measured ${new Date().toISOString().slice(0, 10)}; Drover against the API simulator offering exec v5, then only v4; ${PODS} pods; the copy is one ${MB} MB file into all ${PODS} pods at once (-f ${PODS}), sha256 checked in every pod.`,
    '',
    `| exec protocol | one command in ${PODS} pods (s) | its peak RSS | copy ${MB} MB into ${PODS} pods (s) | its peak RSS |`,
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(HERE, 'k8s-protocols-results.md'), text);
  console.log(text);
}

await main();
