// drover etcd restore: a verified snapshot onto the members of a group (in place, or onto
// other hosts), in Kubernetes' documented order: stop apiservers, stop etcd, move old data
// aside (never delete), restore every member, start etcd together, prove the result, start
// apiservers. A preflight refuses before anything is touched; a failure afterwards still
// finishes what it can (rolls back before etcd starts on the new data, starts the apiservers
// it stopped after) and the report says exactly what state every member was left in.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Inventory } from '../inventory/types.js';
import { ConnectionPool } from '../executor/connection-pool.js';
import { quote } from '../connections/shell-quote.js';
import { countKeysArgs, etcdctl, memberAccess, parseCount, type MemberAccess } from './etcdctl.js';
import { checkSnapshotFile } from './snapshot-integrity.js';
import { AccessRefused, memberVars, openMember, type MemberHost } from './member-host.js';
import { lastLine, withDeadline } from './probe.js';
import { groupSizeProblem, preflightPaths, preflightScript } from './restore-preflight.js';
import { removeRestoreLeftovers, restoreTempPath } from './remote-temp.js';

export interface RestoreOptions {
  inventory: Inventory;
  snapshot: string;
  group: string;
  hosts: string[];
  apiserverHosts: string[];
  extraVars: Record<string, unknown>;
  token: string;
  dataDir: string;
  force: boolean;
  expectPrefix?: string;
  probeTimeoutS: number;
  log(line: string): void;
}

/** Where a restore left the cluster: untouched (refused or failed before stopping anything), rolled-back (old data running again), restored (verified), restored-unverified (new data running, a check failed), partial (recovery itself failed somewhere: see the per-host states). */
export type RestoreState = 'untouched' | 'rolled-back' | 'restored' | 'restored-unverified' | 'partial';

export interface RestoreReport {
  ok: boolean;
  state: RestoreState;
  /** refused by the preflight or invalid input: nothing was touched */
  refused: boolean;
  oldMembers: Record<string, string>;
  newMembers: Record<string, string>;
  leader?: string;
  revision?: number;
  snapshotRevision?: number;
  hashkv?: Record<string, number>;
  keys?: number;
  keyPrefix: string;
  /** old data dirs, kept under these names */
  movedAside: Record<string, string>;
  /** restored data dirs a rollback moved out of the way */
  failedRestores: Record<string, string>;
  /** `systemctl is-active` of etcd and kube-apiserver per host at the end (when anything was touched) */
  etcdState: Record<string, string>;
  apiserverState: Record<string, string>;
  removedRemote: string[];
  error?: string;
  recoveryErrors: string[];
  durationMs: number;
}

/** The exit code for a report: 0 restored, 2 failed and left (or put back) as it was, 4 failed after the point of no return, 5 refused. */
export function restoreExitCode(r: RestoreReport): number {
  if (r.ok) return 0;
  if (r.refused) return 5;
  return r.state === 'untouched' || r.state === 'rolled-back' ? 2 : 4;
}

interface Member {
  name: string;
  host: MemberHost;
  access: MemberAccess;
  peerUrl: string;
  vars: Record<string, unknown>;
}

class Refused extends Error {}

/** Wait for every step (none is left running behind a recovery), then fail with the first error. */
async function allOrThrow(steps: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(steps)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function jsonWithBigIds(text: string): any {
  return JSON.parse(text.replace(/"(ID|cluster_id|member_id|leader|raft_term|hash|hash_revision|compact_revision)":(\d+)/g, '"$1":"$2"'));
}

async function run(m: { name: string; host: MemberHost }, cmd: string, what: string): Promise<string> {
  let r;
  // right after members start, sshd on the test hosts sometimes refuses an exec for a moment;
  // a command that never started is safe to try again
  for (let attempt = 0; ; attempt++) {
    try {
      r = await m.host.exec(cmd);
      break;
    } catch (err) {
      if (attempt >= 5 || !/Unable to exec/.test((err as Error).message)) throw err;
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
  if (r.rc !== 0) throw new Error(`${what} on ${m.name} failed (rc=${r.rc}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`);
  return r.stdout;
}

/** Restore and verify; never throws: the report says what happened and what state was left. */
export async function runRestore(o: RestoreOptions): Promise<RestoreReport> {
  const t0 = Date.now();
  const log = (line: string): void => o.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const report: RestoreReport = { ok: false, state: 'untouched', refused: false, oldMembers: {}, newMembers: {}, keyPrefix: o.expectPrefix ?? '', movedAside: {}, failedRestores: {}, etcdState: {}, apiserverState: {}, removedRemote: [], recoveryErrors: [], durationMs: 0 };
  const pool = new ConnectionPool();
  const stoppedApis: { name: string; host: MemberHost }[] = [];
  const stoppedEtcd = new Set<string>();
  const restored = new Set<string>();
  let etcdStarted = false;
  let members: Member[] = [];
  let apis: { name: string; host: MemberHost }[] = [];
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  try {
    log(`checking snapshot ${basename(o.snapshot)}`);
    if (!existsSync(o.snapshot)) throw new Refused(`no snapshot at ${o.snapshot}`);
    // read in chunks and streamed to each member below: the snapshot is never held in memory
    const integrity = await checkSnapshotFile(o.snapshot);
    if (!integrity.ok) throw new Refused(`refusing to restore ${o.snapshot}: ${integrity.reason}`);
    const sumFile = `${o.snapshot}.sha256`;
    if (existsSync(sumFile)) {
      const want = readFileSync(sumFile, 'utf8').trim().split(/\s+/)[0];
      if (want !== integrity.sha256) throw new Refused(`refusing to restore ${o.snapshot}: its SHA-256 ${integrity.sha256} differs from ${basename(sumFile)} (${want})`);
    }
    log(`snapshot verified (sha256 ${integrity.sha256.slice(0, 16)}…${existsSync(sumFile) ? `, matches ${basename(sumFile)}` : ''})`);
    try {
      report.snapshotRevision = JSON.parse(readFileSync(o.snapshot.replace(/\.db$/, '.json'), 'utf8')).revision;
    } catch {
      /* no sidecar: the revision check is skipped */
    }
    const sizeProblem = groupSizeProblem(o.group, o.hosts.length);
    if (sizeProblem) throw new Refused(sizeProblem);

    // preflight: every member and apiserver host reachable and deployed, before anything is touched
    members = await Promise.all(
      o.hosts.map(async (name) => {
        const vars = memberVars(o.inventory, name, o.extraVars);
        const ip = String(vars.etcd_ip ?? vars.ansible_host ?? name);
        return { name, vars, host: await openMember(pool, name, vars, o.probeTimeoutS), access: memberAccess(name, vars), peerUrl: `https://${ip}:${vars.etcd_peer_port ?? 2380}` };
      }),
    );
    apis = await Promise.all(o.apiserverHosts.map(async (name) => ({ name, host: await openMember(pool, name, memberVars(o.inventory, name, o.extraVars), o.probeTimeoutS) })));
    log(`preflight of ${members.length} members${apis.length ? ` and ${apis.length} apiserver hosts` : ''} in parallel (probe timeout ${o.probeTimeoutS} s)`);
    const problems: string[] = [];
    const hasData = new Set<string>();
    const bound = (o.probeTimeoutS + 1) * 1000;
    await Promise.all([
      ...members.map(async (m) => {
        try {
          await withDeadline(m.host.conn.connect(), bound, 'ssh connect');
        } catch (err) {
          problems.push(`${m.name}: unreachable (${(err as Error).message})`);
          return log(`${m.name}: unreachable`);
        }
        const pre = await m.host.exec(preflightScript(preflightPaths(m.name, m.vars, m.access, o.dataDir, m.peerUrl)), bound);
        const mine = pre.stdout.split('\n').filter((l) => l.startsWith('problem: ')).map((l) => `${m.name}: ${l.slice(9)}`);
        if (pre.rc !== 0 && !mine.length) mine.push(`${m.name}: preflight failed: ${lastLine(pre.stderr)}`);
        problems.push(...mine);
        if (pre.stdout.includes('data-dir: present')) hasData.add(m.name);
        // the old member ID, if this member still answers (a dead one costs one probe timeout)
        const list = await m.host.exec(etcdctl(m.access, 'member list -w json', o.probeTimeoutS), (2 * o.probeTimeoutS + 3) * 1000).catch(() => undefined);
        let answered = false;
        if (list?.rc === 0) {
          answered = true;
          for (const x of jsonWithBigIds(list.stdout).members ?? []) report.oldMembers[x.name] = BigInt(x.ID).toString(16);
        }
        log(`${m.name}: ${mine.length ? `NOT READY (${mine.length} problem${mine.length > 1 ? 's' : ''})` : 'deployed'}, ${hasData.has(m.name) ? 'has a data dir' : 'no data dir'}, etcd ${answered ? 'answering' : 'not answering'}`);
      }),
      ...apis.map(async (a) => {
        try {
          await withDeadline(a.host.conn.connect(), bound, 'ssh connect');
          log(`${a.name}: reachable (apiserver host)`);
        } catch (err) {
          problems.push(`${a.name}: unreachable (${(err as Error).message})`);
        }
      }),
    ]);
    if (problems.length) throw new Refused(`preflight refused the restore, nothing was touched (deploy the members first: playbooks/etcd/deploy.yml): ${problems.join('; ')}`);
    if (hasData.size && !o.force) throw new Refused(`${[...hasData].join(', ')} already ha${hasData.size > 1 ? 've' : 's'} ${o.dataDir}; rerun with --force to move it aside (it is never deleted)`);
    // an interrupted restore's uploads hold every secret of the cluster: gone before we add ours
    await Promise.all(members.map(async (m) => {
      const r = await m.host.exec(removeRestoreLeftovers(), bound).catch(() => undefined);
      for (const f of r?.stdout.split('\n').filter(Boolean) ?? []) report.removedRemote.push(`${m.name}:${f}`);
    }));
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');

    // from here on, every change is recorded so a failure can be finished or undone
    await allOrThrow(apis.map(async (a) => {
      stoppedApis.push(a);
      await run(a, 'systemctl stop kube-apiserver', 'stopping kube-apiserver');
      log(`stopped kube-apiserver on ${a.name}`);
    }));
    await allOrThrow(members.map(async (m) => {
      stoppedEtcd.add(m.name);
      await run(m, 'systemctl stop etcd || true', 'stopping etcd');
    }));
    log(`stopped etcd on ${members.map((m) => m.name).join(', ')}`);
    await allOrThrow(members.map(async (m) => {
      const aside = `${o.dataDir}.drover-${stamp}`;
      const out = await run(m, `if [ -d ${quote(o.dataDir)} ]; then mv ${quote(o.dataDir)} ${quote(aside)} && echo moved; fi`, `moving ${o.dataDir} aside`);
      if (out.includes('moved')) {
        report.movedAside[m.name] = aside;
        log(`${m.name}: old data kept at ${aside}`);
      }
    }));
    const remote = restoreTempPath(stamp);
    await allOrThrow(members.map(async (m) => {
      await m.host.putFile(o.snapshot, remote);
      await run(
        m,
        `ETCDCTL_API=3 etcdctl snapshot restore ${quote(remote)} --name ${quote(m.name)} --data-dir ${quote(o.dataDir)} --initial-cluster ${quote(initialCluster)} --initial-cluster-token ${quote(o.token)} --initial-advertise-peer-urls ${quote(m.peerUrl)} >/dev/null 2>&1 || { rc=$?; rm -f ${quote(remote)}; rm -rf ${quote(o.dataDir)}; exit $rc; }; chown -R etcd:etcd ${quote(o.dataDir)} 2>/dev/null || true; rm -f ${quote(remote)}`,
        'snapshot restore',
      );
      restored.add(m.name);
      log(`restored ${m.name} into ${o.dataDir}`);
    }));
    // etcd reports ready only with quorum: start every member at once
    etcdStarted = true;
    await allOrThrow(members.map((m) => run(m, 'systemctl start etcd', 'starting etcd')));
    log('started etcd on every member');

    const first = members[0]!;
    const all = { ...first.access, endpoint: members.map((m) => m.access.endpoint).join(',') };
    let healthy = false;
    let lastHealth = '';
    for (let i = 0; i < 30 && !healthy; i++) {
      const h = await first.host.exec(etcdctl(all, 'endpoint health', o.probeTimeoutS));
      healthy = h.rc === 0;
      lastHealth = lastLine(h.stderr || h.stdout);
      if (!healthy) await new Promise((r) => setTimeout(r, 1000));
    }
    if (!healthy) throw new Error(`the restored cluster is not healthy: ${lastHealth}`);
    log('every endpoint healthy');
    const status = jsonWithBigIds(await run(first, etcdctl(all, 'endpoint status -w json', o.probeTimeoutS), 'endpoint status')) as { Endpoint: string; Status: { leader: string; header: { member_id: string; revision: number } } }[];
    const leaders = new Set(status.map((s) => s.Status.leader));
    if (leaders.size !== 1) throw new Error(`members disagree on the leader: ${[...leaders].join(', ')}`);
    report.leader = BigInt([...leaders][0]!).toString(16);
    report.revision = Math.min(...status.map((s) => Number(s.Status.header.revision)));
    if (report.snapshotRevision !== undefined && report.revision < report.snapshotRevision) throw new Error(`revision ${report.revision} is below the snapshot's ${report.snapshotRevision}`);
    const list = jsonWithBigIds(await run(first, etcdctl(all, 'member list -w json', o.probeTimeoutS), 'member list'));
    for (const x of list.members ?? []) report.newMembers[x.name] = BigInt(x.ID).toString(16);
    const hashes = jsonWithBigIds(await run(first, etcdctl(all, 'endpoint hashkv -w json'), 'endpoint hashkv')) as { Endpoint: string; HashKV: { hash: string } }[];
    report.hashkv = Object.fromEntries(hashes.map((h) => [h.Endpoint, Number(h.HashKV.hash)]));
    if (new Set(Object.values(report.hashkv)).size !== 1) throw new Error(`members hold different data (hashkv): ${JSON.stringify(report.hashkv)}`);
    // a count, never the keys themselves (and no byte the remote command line cannot carry)
    report.keys = parseCount(await run(first, etcdctl(all, countKeysArgs(report.keyPrefix)), 'key count'));
    if (o.expectPrefix !== undefined && report.keys === 0) throw new Error(`no keys under ${o.expectPrefix} after the restore`);
    log(`verified: leader ${report.leader}, revision ${report.revision}, ${report.keys} keys${report.keyPrefix ? ` under ${report.keyPrefix}` : ''}, equal hashkv`);

    await allOrThrow(stoppedApis.map(async (a) => {
      await run(a, 'systemctl start kube-apiserver', 'starting kube-apiserver');
      log(`started kube-apiserver on ${a.name}`);
    }));
    stoppedApis.length = 0;
    report.ok = true;
    report.state = 'restored';
  } catch (err) {
    report.error = (err as Error).message;
    report.refused = err instanceof Refused || err instanceof AccessRefused;
    if (stoppedApis.length || stoppedEtcd.size) {
      log(`FAILED: ${report.error}`);
      await finishAfterFailure({ o, log, report, members, stoppedApis, stoppedEtcd, restored, etcdStarted, stamp });
    }
  } finally {
    if (stoppedEtcd.size) await recordStates(members, apis, report, o.probeTimeoutS);
    await pool.closeAll();
    report.durationMs = Date.now() - t0;
  }
  return report;
}

/** After a failure: before etcd ran on the new data, put the old data back; either way start etcd and the apiservers that were stopped. */
async function finishAfterFailure(c: { o: RestoreOptions; log: (l: string) => void; report: RestoreReport; members: Member[]; stoppedApis: { name: string; host: MemberHost }[]; stoppedEtcd: Set<string>; restored: Set<string>; etcdStarted: boolean; stamp: string }): Promise<void> {
  const { o, log, report } = c;
  const attempt = async (what: string, f: () => Promise<unknown>): Promise<boolean> => {
    try {
      await f();
      return true;
    } catch (err) {
      report.recoveryErrors.push(`${what}: ${(err as Error).message}`);
      log(`recovery step failed: ${what}: ${(err as Error).message}`);
      return false;
    }
  };
  const touched = c.members.filter((m) => c.stoppedEtcd.has(m.name));
  if (!c.etcdStarted) {
    // the point of no return is etcd starting on the new data: until then the old data goes back
    log('rolling back: old data back in place, then etcd and the apiservers started again');
    await Promise.all(touched.map(async (m) => {
      const failed = `${o.dataDir}.drover-failed-${c.stamp}`;
      const aside = report.movedAside[m.name];
      await attempt(`${m.name}: put the old data back`, async () => {
        const replaced = c.restored.has(m.name) || aside !== undefined ? 'yes' : '';
        const out = await run(m, `if [ -d ${quote(o.dataDir)} ] && [ -n ${quote(replaced)} ]; then mv ${quote(o.dataDir)} ${quote(failed)} && echo failed-aside; fi; if [ -n ${quote(aside ?? '')} ] && [ -d ${quote(aside ?? '')} ]; then mv ${quote(aside ?? '')} ${quote(o.dataDir)} && echo back; fi`, 'rollback');
        if (out.includes('failed-aside')) report.failedRestores[m.name] = failed;
        if (out.includes('back')) delete report.movedAside[m.name];
      });
    }));
    const withData = (await Promise.all(touched.map(async (m) => ((await m.host.exec(`[ -d ${quote(o.dataDir)} ]`).catch(() => ({ rc: 1 }))).rc === 0 ? m : undefined)))).filter((m): m is Member => !!m);
    await Promise.all(withData.map((m) => attempt(`${m.name}: start etcd`, () => run(m, 'systemctl start etcd', 'starting etcd'))));
  }
  await Promise.all(c.stoppedApis.map((a) => attempt(`${a.name}: start kube-apiserver`, async () => {
    await run(a, 'systemctl start kube-apiserver', 'starting kube-apiserver');
    log(`started kube-apiserver on ${a.name}`);
  })));
  report.state = report.recoveryErrors.length ? 'partial' : c.etcdStarted ? 'restored-unverified' : 'rolled-back';
  log(`left the cluster ${report.state}`);
}

/** What runs where at the end, as systemctl says. */
async function recordStates(members: Member[], apis: { name: string; host: MemberHost }[], report: RestoreReport, timeoutS: number): Promise<void> {
  const state = async (h: MemberHost, unit: string): Promise<string> => {
    const r = await h.exec(`systemctl is-active ${unit}`, (timeoutS + 2) * 1000).catch((err: Error) => ({ rc: 1, stdout: `unknown (${err.message})` }));
    return r.stdout.trim() || 'unknown';
  };
  await Promise.all([
    ...members.map(async (m) => (report.etcdState[m.name] = await state(m.host, 'etcd'))),
    ...apis.map(async (a) => (report.apiserverState[a.name] = await state(a.host, 'kube-apiserver'))),
  ]);
}
