// drover etcd backup: one verified snapshot of a cluster, stored on the controller with its
// checksum and sidecar, retention applied, notifications sent. Built for cron: a lock, one
// log line, and exit codes a wrapper can act on.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Inventory } from '../inventory/types.js';
import { ConnectionPool, transportFor } from '../executor/connection-pool.js';
import type { Connection } from '../connections/types.js';
import { acquireLock } from './backup-lock.js';
import { deleteSnapshot, expiredSnapshots, listSnapshots, removePartials, snapshotName, storeSnapshot, type Retention, type SnapshotMeta } from './backup-store.js';
import { etcdctl, memberAccess, type MemberAccess } from './etcdctl.js';
import { checkSnapshot } from './snapshot-integrity.js';
import { maskUrlCredentials, splitUrlCredentials } from '../util/url-credentials.js';

export interface MailSettings {
  /** smtp://user:pass@host:port or smtps://... */
  url: string;
  from: string;
  to: string[];
}

export interface BackupOptions {
  mail?: MailSettings;
  inventory: Inventory;
  group: string;
  cluster?: string;
  dir: string;
  retention: Retention;
  webhook?: string;
  now?: () => Date;
}

export interface BackupOutcome {
  status: 'ok' | 'failed';
  cluster: string;
  file?: string;
  meta?: SnapshotMeta;
  deleted: string[];
  removedPartials: string[];
  error?: string;
  notification?: { ok: boolean; error?: string };
  mail?: { ok: boolean; error?: string };
  durationMs: number;
}

/** An error message with the URL's credentials hidden (libraries quote the URL they were given). */
function safeMessage(err: unknown, url: string): string {
  const { password } = splitUrlCredentials(url);
  // fetch says only "fetch failed"; the reason (ECONNREFUSED...) is its cause
  const cause = (err as { cause?: Error }).cause?.message;
  let text = maskUrlCredentials(`${(err as Error).message ?? String(err)}${cause ? `: ${cause}` : ''}`);
  if (password) for (const form of [password, encodeURIComponent(password)]) text = text.split(form).join('********');
  return text;
}

/** POST the outcome; credentials in the URL (https://user:pass@host/) go as a Basic Authorization header. */
async function postWebhook(raw: string, body: unknown): Promise<{ ok: boolean; error?: string }> {
  try {
    const { url, username, password } = splitUrlCredentials(raw);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (username !== undefined) headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    return res.ok ? { ok: true } : { ok: false, error: `webhook answered HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: `webhook failed: ${safeMessage(err, raw)}` };
  }
}

async function sendMail(m: MailSettings, outcome: Omit<BackupOutcome, 'mail'>): Promise<{ ok: boolean; error?: string }> {
  try {
    const { createTransport } = await import('nodemailer');
    const transport = createTransport(m.url);
    const subject = `[drover] etcd backup ${outcome.status === 'ok' ? 'ok' : 'FAILED'}: ${outcome.cluster}`;
    const lines = outcome.status === 'ok'
      ? [`file: ${outcome.file}`, `member: ${outcome.meta?.member}`, `revision: ${outcome.meta?.revision}`, `keys: ${outcome.meta?.totalKey}`, `bytes: ${outcome.meta?.sizeBytes}`, `sha256: ${outcome.meta?.sha256}`, `deleted by retention: ${outcome.deleted.length}`]
      : [`error: ${outcome.error}`];
    await transport.sendMail({ from: m.from, to: m.to, subject, text: `${lines.join('\n')}\nduration: ${outcome.durationMs} ms\n` });
    transport.close();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: `mail failed: ${safeMessage(err, m.url)}` };
  }
}

/** Take one backup. Never throws for an operational failure: the outcome says what happened. */
export async function runBackup(o: BackupOptions): Promise<BackupOutcome> {
  const t0 = Date.now();
  const hosts = o.inventory.select(o.group);
  const cluster = o.cluster ?? String((hosts[0] && o.inventory.hostVars(hosts[0]).etcd_cluster_token) ?? 'etcd');
  const outcome: BackupOutcome = { status: 'failed', cluster, deleted: [], removedPartials: [], durationMs: 0 };
  mkdirSync(o.dir, { recursive: true });
  const lock = acquireLock(join(o.dir, '.drover-etcd-backup.lock'));
  const pool = new ConnectionPool();
  try {
    outcome.removedPartials = removePartials(o.dir);
    if (!hosts.length) throw new Error(`no hosts in group '${o.group}'`);
    let chosen: { conn: Connection; access: MemberAccess } | undefined;
    const problems: string[] = [];
    for (const h of hosts) {
      const vars = o.inventory.hostVars(h);
      const access = memberAccess(h, vars);
      try {
        const conn = await pool.get(h, transportFor(vars), vars);
        await conn.connect();
        const health = await conn.exec(etcdctl(access, 'endpoint health'));
        if (health.rc === 0) {
          chosen = { conn, access };
          break;
        }
        problems.push(`${h}: ${(health.stderr || health.stdout).trim().split('\n').pop()}`);
      } catch (err) {
        problems.push(`${h}: ${(err as Error).message}`);
      }
    }
    if (!chosen) throw new Error(`no healthy member: ${problems.join('; ')}`);
    const { conn, access } = chosen;
    const remote = `/var/tmp/drover-snapshot-${randomBytes(6).toString('hex')}.db`;
    let data: Buffer;
    let status: { hash: number; revision: number; totalKey: number; totalSize: number };
    let members: SnapshotMeta['members'] = [];
    try {
      const save = await conn.exec(`umask 077; ${etcdctl(access, `snapshot save ${remote}.part`)} && mv ${remote}.part ${remote}`);
      if (save.rc !== 0) throw new Error(`snapshot save on ${access.name} failed: ${save.stderr.trim().split('\n').pop()}`);
      const st = await conn.exec(`ETCDCTL_API=3 etcdctl -w json snapshot status ${remote}`);
      if (st.rc !== 0) throw new Error(`snapshot status failed: ${st.stderr.trim()}`);
      status = JSON.parse(st.stdout);
      const ml = await conn.exec(etcdctl(access, 'member list -w json'));
      if (ml.rc === 0) {
        // member IDs are 64-bit: read them as text, JSON numbers would round them
        const text = ml.stdout.replace(/"(ID|cluster_id|member_id)":(\d+)/g, '"$1":"$2"');
        members = (JSON.parse(text).members ?? []).map((m: Record<string, unknown>) => ({ id: BigInt(String(m.ID)).toString(16), name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs }));
      }
      data = await conn.get(remote);
    } finally {
      await conn.exec(`rm -f ${remote} ${remote}.part`).catch(() => undefined);
    }
    const integrity = checkSnapshot(data);
    if (!integrity.ok) throw new Error(`snapshot from ${access.name} failed verification: ${integrity.reason}`);
    const at = o.now?.() ?? new Date();
    const name = snapshotName(cluster, at, status.revision);
    const meta: SnapshotMeta = {
      cluster,
      file: `${name}.db`,
      createdAt: at.toISOString(),
      member: access.name,
      endpoint: access.endpoint,
      revision: status.revision,
      totalKey: status.totalKey,
      totalSize: status.totalSize,
      hash: status.hash,
      sha256: integrity.sha256,
      sizeBytes: data.length,
      durationMs: Date.now() - t0,
      members,
    };
    outcome.file = await storeSnapshot(o.dir, name, data, meta);
    outcome.meta = meta;
    for (const old of expiredSnapshots(listSnapshots(o.dir, cluster), o.retention)) {
      deleteSnapshot(o.dir, old);
      outcome.deleted.push(old.file);
    }
    outcome.status = 'ok';
  } catch (err) {
    outcome.error = (err as Error).message;
  } finally {
    await pool.closeAll();
    lock.release();
    outcome.durationMs = Date.now() - t0;
  }
  if (o.webhook) outcome.notification = await postWebhook(o.webhook, { event: 'etcd-backup', ...outcome });
  if (o.mail) outcome.mail = await sendMail(o.mail, outcome);
  return outcome;
}
