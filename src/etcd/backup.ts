// drover etcd backup: one verified snapshot of a cluster, stored on the controller with its
// checksum and sidecar, retention applied, notifications sent. Built for cron: a lock, one
// log line, and exit codes a wrapper can act on. Members are probed in parallel with a short
// timeout, so a dead member costs seconds; a killed run's leftovers are removed by the next.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../inventory/types.js';
import { ConnectionPool } from '../executor/connection-pool.js';
import { acquireLock, LockHeldError } from './backup-lock.js';
import { deleteSnapshot, expiredSnapshots, listSnapshots, removeOrphanSidecars, removePartials, snapshotName, storeSnapshot, type Retention, type SnapshotMeta } from './backup-store.js';
import { countKeysArgs, etcdctl, memberAccess, parseCount, type MemberAccess } from './etcdctl.js';
import { downloadSnapshot, type Downloaded } from './snapshot-transfer.js';
import { notifyOutcome, type MailSettings } from './backup-notify.js';
import { AccessRefused, memberVars, openMember, type MemberHost } from './member-host.js';
import { lastLine, probeExec, probeHealth, withDeadline } from './probe.js';
import { backupTag, backupTempPath, removeBackupLeftovers, saveWithPidFile } from './remote-temp.js';
import { quote } from '../connections/shell-quote.js';

export type { MailSettings } from './backup-notify.js';

export interface BackupOptions {
  mail?: MailSettings;
  inventory: Inventory;
  /** the group's hosts, already narrowed by -l */
  hosts: string[];
  extraVars: Record<string, unknown>;
  cluster?: string;
  dir: string;
  retention: Retention;
  webhook?: string;
  probeTimeoutS: number;
  /** the sidecar counts the user keys under this prefix ('' = all) */
  keyPrefix: string;
  now?: () => Date;
  /** progress lines (probes, chosen member, transfer) */
  log?: (line: string) => void;
}

export interface BackupOutcome {
  status: 'ok' | 'failed' | 'locked' | 'invalid';
  cluster: string;
  file?: string;
  meta?: SnapshotMeta;
  deleted: string[];
  removedPartials: string[];
  /** .json/.db.sha256 of a killed run whose .db never landed */
  removedOrphans: string[];
  /** host:path of snapshot copies a killed run left on members */
  removedRemote: string[];
  error?: string;
  notification?: { ok: boolean; error?: string };
  mail?: { ok: boolean; error?: string };
  durationMs: number;
}

/** The cluster name the inventory gives, if any (else the chosen member's config says it). */
function clusterFromVars(vars: Record<string, unknown> | undefined): string | undefined {
  const v = vars?.etcd_cluster_token ?? vars?.cluster_token;
  return v === undefined || v === null || String(v).includes('{{') ? undefined : String(v);
}

/** initial-cluster-token from a member's etcd config file, or undefined. */
async function clusterFromConfig(m: MemberHost, timeoutS: number): Promise<string | undefined> {
  const file = String(m.vars.etcd_config_file ?? '/etc/etcd/etcd.conf.yml');
  const r = await m.exec(`sed -n 's/^initial-cluster-token:[[:space:]]*//p' ${quote(file)}`, timeoutS * 1000).catch(() => undefined);
  const token = r?.rc === 0 ? r.stdout.trim().replace(/^["']|["']$/g, '') : '';
  return token || undefined;
}

/** Probe every member at once (first removing this dir's leftovers on each); `chosen` resolves with the first healthy one as soon as it answers. */
function firstHealthy(members: { m: MemberHost; access: MemberAccess }[], tag: string, timeoutS: number, outcome: BackupOutcome, log: (l: string) => void): { chosen: Promise<{ m: MemberHost; access: MemberAccess } | undefined>; all: Promise<string[]>; cleaned: Promise<unknown> } {
  const problems: string[] = [];
  let resolveChosen!: (v: { m: MemberHost; access: MemberAccess } | undefined) => void;
  const chosen = new Promise<{ m: MemberHost; access: MemberAccess } | undefined>((r) => (resolveChosen = r));
  const cleanups: Promise<unknown>[] = [];
  const all = Promise.all(
    members.map(async (x) => {
      const cleanup = (async () => {
        const connected = await withDeadline(x.m.conn.connect(), (timeoutS + 1) * 1000, `${x.m.name}: ssh connect`).then(() => true, () => false);
        if (!connected) return;
        const rm = await x.m.exec(removeBackupLeftovers(tag), (timeoutS + 3) * 1000).catch(() => undefined);
        for (const f of rm?.stdout.split('\n').filter(Boolean) ?? []) outcome.removedRemote.push(`${x.m.name}:${f}`);
      })();
      cleanups.push(cleanup);
      await cleanup;
      const health = await probeHealth(x.m, x.access, timeoutS);
      log(`probe ${x.m.name}: ${health.healthy ? 'healthy' : `not healthy (${health.error})`} after ${(health.ms / 1000).toFixed(1)} s`);
      if (health.healthy) resolveChosen(x);
      else problems.push(`${x.m.name}: ${health.error}`);
    }),
  ).then(() => {
    resolveChosen(undefined);
    return problems;
  });
  return { chosen, all, cleaned: Promise.all(cleanups) };
}

/** Take one backup. Never throws: the outcome says what happened (and was notified). */
export async function runBackup(o: BackupOptions): Promise<BackupOutcome> {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const firstVars = o.hosts[0] !== undefined ? memberVars(o.inventory, o.hosts[0], o.extraVars) : undefined;
  const outcome: BackupOutcome = { status: 'failed', cluster: o.cluster ?? clusterFromVars(firstVars) ?? 'etcd', deleted: [], removedPartials: [], removedOrphans: [], removedRemote: [], durationMs: 0 };
  const pool = new ConnectionPool();
  let lock: { release: () => Promise<void> } | undefined;
  let cleaned: Promise<unknown> = Promise.resolve();
  // the downloaded snapshot until it is renamed into place (removed if the run fails)
  let tempFile: string | undefined;
  try {
    mkdirSync(o.dir, { recursive: true });
    lock = await acquireLock(join(o.dir, '.drover-etcd-backup.lock'));
    outcome.removedPartials = removePartials(o.dir);
    outcome.removedOrphans = removeOrphanSidecars(o.dir);
    if (!o.hosts.length) throw new Error('no etcd members to back up (the group is empty or -l left none)');
    const members = await Promise.all(o.hosts.map(async (h) => {
      const vars = memberVars(o.inventory, h, o.extraVars);
      return { m: await openMember(pool, h, vars, o.probeTimeoutS), access: memberAccess(h, vars) };
    }));
    const tag = backupTag(o.dir);
    log(`probing ${members.length} members in parallel (timeout ${o.probeTimeoutS} s each)`);
    const probes = firstHealthy(members, tag, o.probeTimeoutS, outcome, log);
    cleaned = probes.cleaned;
    const chosen = await probes.chosen;
    if (!chosen) throw new Error(`no healthy member (each probed for ${o.probeTimeoutS} s): ${(await probes.all).join('; ')}`);
    const { m, access } = chosen;
    if (!o.cluster && !clusterFromVars(m.vars)) outcome.cluster = (await clusterFromConfig(m, o.probeTimeoutS)) ?? outcome.cluster;
    log(`saving a snapshot on ${m.name}`);
    const remote = backupTempPath(tag);
    let data: Downloaded | undefined;
    let status: { hash: number; revision: number; totalKey: number; totalSize: number };
    let members2: SnapshotMeta['members'] = [];
    let keys: number | undefined;
    try {
      const save = await m.exec(saveWithPidFile(remote, etcdctl(access, `snapshot save ${remote}.part`)));
      if (save.rc !== 0) throw new Error(`snapshot save on ${m.name} failed: ${lastLine(save.stderr)}`);
      const moved = await m.exec(`mv ${remote}.part ${remote} && rm -f ${remote}.pid`);
      if (moved.rc !== 0) throw new Error(`snapshot save on ${m.name}: ${lastLine(moved.stderr)}`);
      const st = await m.exec(`ETCDCTL_API=3 etcdctl -w json snapshot status ${remote}`);
      if (st.rc !== 0) throw new Error(`snapshot status failed: ${st.stderr.trim()}`);
      status = JSON.parse(st.stdout);
      const ml = await probeExec(m, access, 'member list -w json', o.probeTimeoutS);
      if (ml.rc === 0) {
        // member IDs are 64-bit: read them as text, JSON numbers would round them
        const text = ml.stdout.replace(/"(ID|cluster_id|member_id)":(\d+)/g, '"$1":"$2"');
        members2 = (JSON.parse(text).members ?? []).map((x: Record<string, unknown>) => ({ id: BigInt(String(x.ID)).toString(16), name: x.name, peerURLs: x.peerURLs, clientURLs: x.clientURLs }));
      }
      // the user keys under the prefix at exactly the snapshot's revision (etcd's totalKey counts internal keys too)
      const count = await m.exec(etcdctl(access, countKeysArgs(o.keyPrefix, status.revision)));
      if (count.rc === 0) keys = parseCount(count.stdout);
      // streamed to a temp file in --dir and digested on the way: never the whole snapshot in memory
      data = await downloadSnapshot(o.dir, await m.getStream(remote));
      log(`copied ${data.sizeBytes} bytes from ${m.name}`);
    } finally {
      await m.exec(`rm -f ${remote} ${remote}.part ${remote}.part.part ${remote}.pid`).catch(() => undefined);
    }
    tempFile = data.tempFile;
    const integrity = data.integrity;
    if (!integrity.ok) throw new Error(`snapshot from ${m.name} failed verification: ${integrity.reason}`);
    const at = o.now?.() ?? new Date();
    const name = snapshotName(outcome.cluster, at, status.revision);
    const meta: SnapshotMeta = {
      cluster: outcome.cluster,
      file: `${name}.db`,
      createdAt: at.toISOString(),
      member: m.name,
      endpoint: access.endpoint,
      revision: status.revision,
      totalKey: status.totalKey,
      keys,
      keyPrefix: o.keyPrefix,
      totalSize: status.totalSize,
      hash: status.hash,
      sha256: integrity.sha256,
      sizeBytes: data.sizeBytes,
      durationMs: Date.now() - t0,
      members: members2,
    };
    outcome.file = await storeSnapshot(o.dir, name, { tempFile: data.tempFile }, meta);
    tempFile = undefined;
    outcome.meta = meta;
    for (const old of expiredSnapshots(listSnapshots(o.dir, outcome.cluster), o.retention)) {
      deleteSnapshot(o.dir, old);
      outcome.deleted.push(old.file);
    }
    outcome.status = 'ok';
  } catch (err) {
    outcome.error = (err as Error).message;
    if (err instanceof LockHeldError) outcome.status = 'locked';
    else if (err instanceof AccessRefused) outcome.status = 'invalid';
  } finally {
    // every reachable member's leftovers are gone before the run ends (bounded); health probes
    // still waiting on a dead member end when their connections close
    await withDeadline(cleaned, (2 * o.probeTimeoutS + 5) * 1000, 'leftover removal').catch(() => undefined);
    await pool.closeAll();
    if (tempFile) rmSync(tempFile, { force: true });
    await lock?.release();
    outcome.durationMs = Date.now() - t0;
  }
  Object.assign(outcome, await notifyOutcome(outcome, { webhook: o.webhook, mail: o.mail }));
  return outcome;
}
