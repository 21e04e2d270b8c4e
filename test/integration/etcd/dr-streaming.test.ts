// Issue 17, streaming: backup and restore never hold the snapshot in memory. A ~200 MB
// database is backed up (as root over SFTP, and as a sudo login through `cat` on a channel)
// and restored in place; the drover process's peak RSS (GNU time's %M) stays far below the
// database size. Before streaming, each run held the whole snapshot (RSS > 200 MB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT } from '../../helpers/cli.js';
import { checkSnapshotFile } from '../../../src/etcd/snapshot-integrity.js';
import { fillEtcd } from '../../bench/etcd-fill.js';
import { startDrillCluster, type DrillCluster } from './drill-cluster.js';

let c: DrillCluster;
const MEMBERS = ['host1', 'host2', 'host3'];
const DB_MB = 200;
// a Drover run's own footprint is ~100 MB; the snapshot is ~245 MB (holding it would pass 340 MB)
const RSS_LIMIT_MB = 175;

before(async () => {
  c = await startDrillCluster({ name: 'drill-s', subnet: Number(process.env.DROVER_STREAM_DRILL_SUBNET ?? 63), hosts: 3, token: 'drill-s', deployVars: ['etcd_enable_grpc_gateway=true'] });
  await fillEtcd({ endpoint: `https://${c.ipOf('host1')}:2379`, pki: join(c.dir, 'pki'), prefix: '/stream/', keys: DB_MB, valueBytes: 1_000_000 });
});

after(async () => {
  await c?.fleet.stop();
  if (c) rmSync(c.dir, { recursive: true, force: true });
});

/** drover ARGS under /usr/bin/time: exit code, output and the peak RSS in MB. */
function droverRss(args: string[], timeoutMs: number): Promise<{ code: number; out: string; rssMb: number }> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', process.execPath, BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const kb = Number(/MAXRSS_KB=(\d+)/.exec(out)?.[1] ?? 0);
      resolve({ code: code ?? 1, out, rssMb: kb / 1024 });
    });
  });
}

test(`a backup and an in-place restore of a ${DB_MB} MB database stay under ${RSS_LIMIT_MB} MB of RSS`, async (t) => {
  const dir = join(c.dir, 'backups');
  const b = await droverRss(['etcd', 'backup', '-i', c.inv, '--dir', dir, '--json'], 180_000);
  assert.equal(b.code, 0, b.out);
  const file = JSON.parse(b.out.split('\n').find((l) => l.startsWith('{'))!).file as string;
  const size = statSync(file).size;
  assert.ok(size > DB_MB * 1_000_000, `snapshot is ${size} bytes`);
  assert.equal((await checkSnapshotFile(file)).ok, true);
  t.diagnostic(`backup as root: peak RSS ${b.rssMb.toFixed(0)} MB, snapshot ${size} bytes`);
  assert.ok(b.rssMb < RSS_LIMIT_MB, `backup peak RSS ${b.rssMb.toFixed(0)} MB for a ${(size / 1e6).toFixed(0)} MB snapshot`);

  const sudoInv = c.writeInventory(join(c.dir, 'sudo.yml'), { etcd: MEMBERS }, 'ansible_become: true');
  writeFileSync(sudoInv, readFileSync(sudoInv, 'utf8').replace('ansible_user: root', 'ansible_user: deploy'));
  const sb = await droverRss(['etcd', 'backup', '-i', sudoInv, '--dir', join(c.dir, 'as-deploy'), '--json'], 180_000);
  assert.equal(sb.code, 0, sb.out);
  const sfile = JSON.parse(sb.out.split('\n').find((l) => l.startsWith('{'))!).file as string;
  assert.equal((await checkSnapshotFile(sfile)).ok, true);
  assert.ok(statSync(sfile).size > DB_MB * 1_000_000);
  t.diagnostic(`backup through sudo: peak RSS ${sb.rssMb.toFixed(0)} MB`);
  assert.ok(sb.rssMb < RSS_LIMIT_MB, `backup through sudo: peak RSS ${sb.rssMb.toFixed(0)} MB`);

  const r = await droverRss(['etcd', 'restore', file, '-i', c.inv, '--token', c.token, '--force', '--expect-prefix', '/stream/'], 240_000);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`${DB_MB} keys under /stream/`));
  t.diagnostic(`restore in place: peak RSS ${r.rssMb.toFixed(0)} MB`);
  assert.ok(r.rssMb < RSS_LIMIT_MB, `restore peak RSS ${r.rssMb.toFixed(0)} MB`);
  const keys = c.etcdctl('host2', 'get /stream/ --prefix --keys-only');
  assert.equal(keys.stdout.split('\n').filter((l) => l.startsWith('/stream/')).length, DB_MB, keys.stderr);
});
