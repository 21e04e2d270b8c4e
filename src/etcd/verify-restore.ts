// drover etcd verify-restore: proves a snapshot restorable by restoring it into a throwaway
// single-member etcd on the controller (loopback, random ports, temp dir), starting it and
// checking revision and keys against the sidecar; everything is removed afterwards. "We have
// backups" becomes "we have restorable backups".
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { checkSnapshotFile } from './snapshot-integrity.js';
import { parseCount } from './etcdctl.js';

const run = promisify(execFile);

export interface VerifyOptions {
  snapshot: string;
  /** loopback address the throwaway member binds */
  listen: string;
  /** count keys under this prefix (default: the sidecar's keyPrefix, else all) */
  keyPrefix?: string;
  log(line: string): void;
}

export interface VerifyReport {
  ok: boolean;
  /** refused before starting anything (missing or corrupt snapshot, bad checksum) */
  refused: boolean;
  snapshot: string;
  revision?: number;
  keys?: number;
  keyPrefix: string;
  expectedRevision?: number;
  expectedKeys?: number;
  error?: string;
  durationMs: number;
}

class Refused extends Error {}

/** A free TCP port ≥ 20000 on the address. */
async function freePort(host: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, host, () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no free port on ${host}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

/** Restore into a throwaway member, start it, check it, remove it. Never throws. */
export async function verifyRestore(o: VerifyOptions): Promise<VerifyReport> {
  const t0 = Date.now();
  const report: VerifyReport = { ok: false, refused: false, snapshot: o.snapshot, keyPrefix: o.keyPrefix ?? '', durationMs: 0 };
  const work = mkdtempSync(join(tmpdir(), 'drover-verify-restore-'));
  let etcd: ChildProcess | undefined;
  try {
    if (!existsSync(o.snapshot)) throw new Refused(`no snapshot at ${o.snapshot}`);
    const integrity = await checkSnapshotFile(o.snapshot);
    if (!integrity.ok) throw new Refused(`${o.snapshot}: ${integrity.reason}`);
    if (existsSync(`${o.snapshot}.sha256`) && readFileSync(`${o.snapshot}.sha256`, 'utf8').trim().split(/\s+/)[0] !== integrity.sha256) throw new Refused(`${o.snapshot}: its SHA-256 differs from ${basename(o.snapshot)}.sha256`);
    try {
      const meta = JSON.parse(readFileSync(o.snapshot.replace(/\.db$/, '.json'), 'utf8')) as { revision?: number; keys?: number; keyPrefix?: string };
      report.expectedRevision = meta.revision;
      if (o.keyPrefix === undefined && meta.keyPrefix !== undefined) report.keyPrefix = meta.keyPrefix;
      if (meta.keys !== undefined && report.keyPrefix === (meta.keyPrefix ?? '')) report.expectedKeys = meta.keys;
    } catch {
      /* no sidecar: the member must start and answer; nothing to compare */
    }
    o.log(`snapshot verified (sha256 ${integrity.sha256.slice(0, 16)}…); restoring into a throwaway member on ${o.listen}`);
    const [cport, pport] = [await freePort(o.listen), await freePort(o.listen)];
    const client = `http://${o.listen}:${cport}`;
    const peer = `http://${o.listen}:${pport}`;
    const dataDir = join(work, 'data');
    await run('etcdctl', ['snapshot', 'restore', o.snapshot, '--name', 'verify', '--data-dir', dataDir, '--initial-cluster', `verify=${peer}`, '--initial-cluster-token', 'drover-verify', '--initial-advertise-peer-urls', peer], { env: { ...process.env, ETCDCTL_API: '3' } });
    etcd = spawn('etcd', ['--name', 'verify', '--data-dir', dataDir, '--listen-client-urls', client, '--advertise-client-urls', client, '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `verify=${peer}`, '--initial-cluster-token', 'drover-verify'], { stdio: 'ignore' });
    const ctl = (args: string[]): Promise<{ stdout: string }> => run('etcdctl', [`--endpoints=${client}`, '--dial-timeout=2s', '--command-timeout=30s', ...args], { env: { ...process.env, ETCDCTL_API: '3' }, maxBuffer: 16 << 20 });
    let healthy = false;
    for (let i = 0; i < 60 && !healthy && etcd.exitCode === null; i++) {
      healthy = await ctl(['endpoint', 'health']).then(() => true, () => false);
      if (!healthy) await new Promise((r) => setTimeout(r, 500));
    }
    if (!healthy) throw new Error('the throwaway member did not become healthy');
    const status = JSON.parse((await ctl(['endpoint', 'status', '-w', 'json'])).stdout.replace(/"(member_id|leader|cluster_id|raft_term)":(\d+)/g, '"$1":"$2"'));
    report.revision = Number(status[0].Status.header.revision);
    report.keys = parseCount((await ctl(['get', report.keyPrefix, '--prefix', '--keys-only', '--limit=1', '-w', 'json'])).stdout);
    if (report.expectedRevision !== undefined && report.revision < report.expectedRevision) throw new Error(`revision ${report.revision} is below the sidecar's ${report.expectedRevision}`);
    if (report.expectedKeys !== undefined && report.keys !== report.expectedKeys) throw new Error(`${report.keys} keys${report.keyPrefix ? ` under ${report.keyPrefix}` : ''}, the sidecar says ${report.expectedKeys}`);
    o.log(`member healthy at revision ${report.revision} with ${report.keys} keys${report.keyPrefix ? ` under ${report.keyPrefix}` : ''}`);
    report.ok = true;
  } catch (err) {
    report.refused = err instanceof Refused;
    report.error = (err as Error & { stderr?: string }).stderr?.trim().split('\n').pop() || (err as Error).message;
  } finally {
    if (etcd) await stop(etcd);
    rmSync(work, { recursive: true, force: true });
    report.durationMs = Date.now() - t0;
  }
  return report;
}
