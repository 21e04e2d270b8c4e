// drover etcd restore: a verified snapshot onto the members of a group (in place, or onto
// other hosts), in Kubernetes' documented order: stop apiservers, stop etcd, move old data
// aside (never delete), restore every member, start etcd together, prove the result, start
// apiservers. Each step is checked before the next one starts.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Inventory } from '../inventory/types.js';
import { ConnectionPool, transportFor } from '../executor/connection-pool.js';
import type { Connection } from '../connections/types.js';
import { quote } from '../connections/shell-quote.js';
import { etcdctl, memberAccess, type MemberAccess } from './etcdctl.js';
import { checkSnapshot } from './snapshot-integrity.js';

export interface RestoreOptions {
  inventory: Inventory;
  snapshot: string;
  group: string;
  apiserverGroup?: string;
  token: string;
  dataDir: string;
  force: boolean;
  expectPrefix?: string;
  log(line: string): void;
}

export interface RestoreReport {
  ok: boolean;
  oldMembers: Record<string, string>;
  newMembers: Record<string, string>;
  leader?: string;
  revision?: number;
  snapshotRevision?: number;
  hashkv?: Record<string, number>;
  keys?: number;
  movedAside: Record<string, string>;
  error?: string;
}

interface Member {
  name: string;
  conn: Connection;
  access: MemberAccess;
  peerUrl: string;
}

function jsonWithBigIds(text: string): any {
  return JSON.parse(text.replace(/"(ID|cluster_id|member_id|leader|raft_term|hash|hash_revision|compact_revision)":(\d+)/g, '"$1":"$2"'));
}

async function run(m: Member, cmd: string, what: string): Promise<string> {
  let r;
  // right after members start, sshd on the test hosts sometimes refuses an exec for a moment;
  // a command that never started is safe to try again
  for (let attempt = 0; ; attempt++) {
    try {
      r = await m.conn.exec(cmd);
      break;
    } catch (err) {
      if (attempt >= 5 || !/Unable to exec/.test((err as Error).message)) throw err;
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
  if (r.rc !== 0) throw new Error(`${what} on ${m.name} failed (rc=${r.rc}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`);
  return r.stdout;
}

/** Restore and verify; throws on the first failed step with what was done so far in the log. */
export async function runRestore(o: RestoreOptions): Promise<RestoreReport> {
  const report: RestoreReport = { ok: false, oldMembers: {}, newMembers: {}, movedAside: {} };
  const data = readFileSync(o.snapshot);
  const integrity = checkSnapshot(data);
  if (!integrity.ok) throw new Error(`refusing to restore ${o.snapshot}: ${integrity.reason}`);
  o.log(`snapshot ${basename(o.snapshot)} verified (sha256 ${integrity.sha256.slice(0, 16)}…)`);
  try {
    report.snapshotRevision = JSON.parse(readFileSync(o.snapshot.replace(/\.db$/, '.json'), 'utf8')).revision;
  } catch {
    /* no sidecar: the revision check uses etcdctl's own reading below */
  }
  const pool = new ConnectionPool();
  try {
    const names = o.inventory.select(o.group);
    if (!names.length) throw new Error(`no hosts in group '${o.group}'`);
    const members: Member[] = [];
    for (const name of names) {
      const vars = o.inventory.hostVars(name);
      const conn = await pool.get(name, transportFor(vars), vars);
      await conn.connect();
      const access = memberAccess(name, vars);
      const ip = String(vars.etcd_ip ?? vars.ansible_host ?? name);
      members.push({ name, conn, access, peerUrl: `https://${ip}:${vars.etcd_peer_port ?? 2380}` });
    }
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');

    // before touching anything: record old member IDs, refuse existing data without --force
    for (const m of members) {
      const list = await m.conn.exec(etcdctl(m.access, 'member list -w json'));
      if (list.rc === 0) for (const x of jsonWithBigIds(list.stdout).members ?? []) report.oldMembers[x.name] = BigInt(x.ID).toString(16);
      const exists = await m.conn.exec(`test -d ${quote(o.dataDir)}`);
      if (exists.rc === 0 && !o.force) throw new Error(`${m.name} already has ${o.dataDir}; rerun with --force to move it aside (it is never deleted)`);
    }

    const apiservers = o.apiserverGroup ? o.inventory.select(o.apiserverGroup) : [];
    const apiConns: { name: string; conn: Connection }[] = [];
    for (const name of apiservers) {
      const vars = o.inventory.hostVars(name);
      const conn = await pool.get(name, transportFor(vars), vars);
      apiConns.push({ name, conn });
      const r = await conn.exec('systemctl stop kube-apiserver');
      if (r.rc !== 0) throw new Error(`stopping kube-apiserver on ${name} failed: ${r.stderr.trim()}`);
      o.log(`stopped kube-apiserver on ${name}`);
    }

    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
    await Promise.all(members.map((m) => run(m, 'systemctl stop etcd || true', 'stopping etcd')));
    o.log(`stopped etcd on ${members.map((m) => m.name).join(', ')}`);
    for (const m of members) {
      const aside = `${o.dataDir}.drover-${stamp}`;
      const r = await m.conn.exec(`if [ -d ${quote(o.dataDir)} ]; then mv ${quote(o.dataDir)} ${quote(aside)} && echo moved; fi`);
      if (r.rc !== 0) throw new Error(`moving ${o.dataDir} aside on ${m.name} failed: ${r.stderr.trim()}`);
      if (r.stdout.includes('moved')) report.movedAside[m.name] = aside;
    }
    // a name nobody can guess: a file planted at a known name in /var/tmp would be replaced keeping its owner
    const remote = `/var/tmp/drover-restore-${stamp}-${randomBytes(6).toString('hex')}.db`;
    for (const m of members) {
      await m.conn.put(data, remote, { mode: '0600' });
      await run(
        m,
        `ETCDCTL_API=3 etcdctl snapshot restore ${quote(remote)} --name ${quote(m.name)} --data-dir ${quote(o.dataDir)} --initial-cluster ${quote(initialCluster)} --initial-cluster-token ${quote(o.token)} --initial-advertise-peer-urls ${quote(m.peerUrl)} >/dev/null 2>&1 || { rc=$?; rm -rf ${quote(o.dataDir)}; exit $rc; }; chown -R etcd:etcd ${quote(o.dataDir)} 2>/dev/null || true; rm -f ${quote(remote)}`,
        'snapshot restore',
      );
      o.log(`restored ${m.name} into ${o.dataDir}`);
    }
    // etcd reports ready only with quorum: start every member at once
    await Promise.all(members.map((m) => run(m, 'systemctl start etcd', 'starting etcd')));
    o.log('started etcd on every member');

    const first = members[0]!;
    const all = { ...first.access, endpoint: members.map((m) => m.access.endpoint).join(',') };
    let healthy = false;
    for (let i = 0; i < 30 && !healthy; i++) {
      healthy = (await first.conn.exec(etcdctl(all, 'endpoint health'))).rc === 0;
      if (!healthy) await new Promise((r) => setTimeout(r, 1000));
    }
    if (!healthy) throw new Error(`the restored cluster is not healthy: ${(await first.conn.exec(etcdctl(all, 'endpoint health'))).stderr.trim()}`);
    const status = jsonWithBigIds(await run(first, etcdctl(all, 'endpoint status -w json'), 'endpoint status')) as { Endpoint: string; Status: { leader: string; header: { member_id: string; revision: number } } }[];
    const leaders = new Set(status.map((s) => s.Status.leader));
    if (leaders.size !== 1) throw new Error(`members disagree on the leader: ${[...leaders].join(', ')}`);
    report.leader = BigInt([...leaders][0]!).toString(16);
    report.revision = Math.min(...status.map((s) => Number(s.Status.header.revision)));
    if (report.snapshotRevision !== undefined && report.revision < report.snapshotRevision) throw new Error(`revision ${report.revision} is below the snapshot's ${report.snapshotRevision}`);
    const list = jsonWithBigIds(await run(first, etcdctl(all, 'member list -w json'), 'member list'));
    for (const x of list.members ?? []) report.newMembers[x.name] = BigInt(x.ID).toString(16);
    const hashes = jsonWithBigIds(await run(first, etcdctl(all, 'endpoint hashkv -w json'), 'endpoint hashkv')) as { Endpoint: string; HashKV: { hash: string } }[];
    report.hashkv = Object.fromEntries(hashes.map((h) => [h.Endpoint, Number(h.HashKV.hash)]));
    if (new Set(Object.values(report.hashkv)).size !== 1) throw new Error(`members hold different data (hashkv): ${JSON.stringify(report.hashkv)}`);
    const prefix = o.expectPrefix ?? '';
    // etcdctl 3.4 has no --count-only: count the key lines
    const keys = await run(first, etcdctl(all, `get ${quote(prefix || '\0')} ${prefix ? '--prefix' : '--from-key'} --keys-only`), 'key listing');
    report.keys = keys.split('\n').filter((l) => l.trim() !== '').length;
    if (o.expectPrefix && report.keys === 0) throw new Error(`no keys under ${o.expectPrefix} after the restore`);

    for (const a of apiConns) {
      const r = await a.conn.exec('systemctl start kube-apiserver');
      if (r.rc !== 0) throw new Error(`starting kube-apiserver on ${a.name} failed: ${r.stderr.trim()}`);
      o.log(`started kube-apiserver on ${a.name}`);
    }
    report.ok = true;
    return report;
  } catch (err) {
    report.error = (err as Error).message;
    return report;
  } finally {
    await pool.closeAll();
  }
}
