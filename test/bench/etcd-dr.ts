// npm run bench:etcd: wall time and peak RSS of `drover etcd backup` and an in-place
// `drover etcd restore` on a 3-member TLS etcd on the fleet, at 100k small keys and then with
// ~1 GB more (1,000 values of 1 MB). Not a test: it prints a markdown table (also written to
// test/bench/etcd-results.md).  BENCH_ETCD_SUBNET=62 BENCH_ETCD_GB_KEYS=1000 npm run bench:etcd
// Each fleet host's root is a tmpfs overlay: at 1 GB a host holds the DB, its WAL, the snapshot
// copy, the upload and the moved-aside data dir, so hosts get 6 GB (RAM, used only as filled).
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from '../helpers/cli.js';
import { startDrillCluster } from '../integration/etcd/drill-cluster.js';
import { fillEtcd } from './etcd-fill.js';
import { timed, type Timed } from './timed.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SUBNET = Number(process.env.BENCH_ETCD_SUBNET ?? 62);
const SMALL_KEYS = Number(process.env.BENCH_ETCD_SMALL_KEYS ?? 100_000);
const BIG_KEYS = Number(process.env.BENCH_ETCD_GB_KEYS ?? 1000);

function row(what: string, dbBytes: number, keys: string, backup: Timed, restore: Timed): string {
  const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
  return `| ${what} | ${keys} | ${(dbBytes / 1e6).toFixed(0)} MB | ${backup.seconds.toFixed(1)} s | ${mb(backup.maxRssKb)} | ${restore.seconds.toFixed(1)} s | ${mb(restore.maxRssKb)} |`;
}

async function main(): Promise<void> {
  process.env.FLEET_TMPFS_SIZE ??= '6g';
  const c = await startDrillCluster({ name: 'bench-etcd', subnet: SUBNET, hosts: 3, token: 'bench-etcd', deployVars: ['etcd_enable_grpc_gateway=true', `etcd_snapshot_count=${process.env.BENCH_ETCD_SNAPSHOT_COUNT ?? 100}`] });
  const rows: string[] = [];
  try {
    const endpoint = `https://${c.ipOf('host1')}:2379`;
    const pki = join(c.dir, 'pki');
    const measure = async (what: string, keys: string): Promise<void> => {
      const dir = join(c.dir, `backups-${rows.length}`);
      const b = await timed([process.execPath, BIN, 'etcd', 'backup', '-i', c.inv, '--dir', dir, '--json'], { NO_COLOR: '1' });
      if (b.code !== 0) throw new Error(`backup exited ${b.code}: ${b.tail}`);
      const file = JSON.parse(b.out.split('\n').find((l) => l.startsWith('{'))!).file as string;
      const r = await timed([process.execPath, BIN, 'etcd', 'restore', file, '-i', c.inv, '--token', c.token, '--force'], { NO_COLOR: '1' });
      if (r.code !== 0) throw new Error(`restore exited ${r.code}: ${r.tail}`);
      const line = row(what, statSync(file).size, keys, b, r);
      console.log(line);
      rows.push(line);
      rmSync(dir, { recursive: true, force: true });
    };
    const t0 = Date.now();
    if (SMALL_KEYS) {
      await fillEtcd({ endpoint, pki, prefix: '/bench/small/', keys: SMALL_KEYS, valueBytes: 90, inFlight: 32 });
      console.error(`filled ${SMALL_KEYS} small keys in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      await measure('100k small keys', `${SMALL_KEYS} × 90 B`);
    }
    const t1 = Date.now();
    await fillEtcd({ endpoint, pki, prefix: '/bench/big/', keys: BIG_KEYS, valueBytes: 1_000_000, inFlight: 2 });
    console.error(`filled ${BIG_KEYS} × 1 MB in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
    await measure(SMALL_KEYS ? '+ 1 GB of 1 MB values' : '1 GB of 1 MB values', `${SMALL_KEYS ? `${SMALL_KEYS} × 90 B + ` : ''}${BIG_KEYS} × 1 MB`);
  } catch (err) {
    console.error(c.fleet.exec('host1', 'systemctl status etcd 2>&1 | tail -5; tail -n 15 /var/log/journal/etcd*.log /var/log/etcd*.log 2>/dev/null').stdout);
    throw err;
  } finally {
    await c.fleet.stop();
    rmSync(c.dir, { recursive: true, force: true });
  }
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${process.env.BENCH_MACHINE ?? '2 cores, 24 GiB (shared)'}; one run each; 3-member TLS etcd on the fleet; restore = in place, verification included; peak RSS of the drover process (GNU time %M).`,
    '',
    '| database | keys | snapshot | backup wall | backup peak RSS | restore wall | restore peak RSS |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  writeFileSync(join(HERE, process.env.BENCH_ETCD_OUT ?? 'etcd-results.md'), `${table}\n`);
  console.log(`\n${table}`);
}

await main();
