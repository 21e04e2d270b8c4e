// npm run bench:cluster: `drover cluster deploy` wall time on the cluster world, first run and
// rerun (changed=0), for 3 control-plane hosts and N nodes (default 4 and 20), plus the
// controller's peak RSS. Own-network fleet (subnet 53 or BENCH_SUBNET, fleet name prefix BENCH_NAME), stand-in release v1.5.8.
//   BENCH_NODES=4,20 node --import tsx test/bench/cluster-deploy.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet } from '../fleet/fleet.js';
import { buildRelease } from '../kube-release/build.js';
import { BIN } from '../helpers/cli.js';
import { writeClusterInventory } from '../integration/cluster/cluster-harness.js';

const SIZES = (process.env.BENCH_NODES ?? '4,20').split(',').map(Number);
const SUBNET = Number(process.env.BENCH_SUBNET ?? 53);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'drover-cluster-bench-'));
  await buildRelease({ version: 'v1.5.8', outDir: join(dir, 'releases', 'v1.5.8') });
  const rows: string[] = ['| nodes | first run | rerun (changed=0) | controller peak RSS |', '|---|---|---|---|'];
  for (const n of SIZES) {
    const nodes = Array.from({ length: n }, (_, i) => `node${i + 1}`);
    const fleet = await startFleet({ hosts: 3 + n, subnet: SUBNET, network: 'netns', hostNames: ['cp1', 'cp2', 'cp3', ...nodes], name: `${process.env.BENCH_NAME ?? 'bench'}-cluster-${n}` });
    try {
      const inv = writeClusterInventory(fleet, dir, `cluster-${n}`, { controlPlane: ['cp1', 'cp2', 'cp3'], nodes, vars: { kube_version: 'v1.5.8', kube_release_dir: join(dir, 'releases'), apiserver_vip: `10.${100 + SUBNET}.0.250` } });
      const times: string[] = [];
      let rss = 0;
      for (let run = 0; run < 2; run++) {
        const t0 = Date.now();
        const r = fleet.hubExec('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'cluster', 'deploy', '-i', inv, '--pki-dir', join(dir, `pki-${n}`)], { maxBuffer: 64 << 20 });
        if (r.status !== 0) throw new Error(`deploy of 3+${n} failed (${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
        times.push(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
        rss = Math.max(rss, Number(r.stderr.trim().split('\n').at(-1)));
      }
      rows.push(`| 3 + ${n} | ${times[0]} | ${times[1]} | ${(rss / 1024).toFixed(0)} MB |`);
    } finally {
      await fleet.stop();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(rows.join('\n'));
}

await main();
