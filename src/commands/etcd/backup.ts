// drover etcd backup: a verified snapshot of the cluster, for cron: every run, whatever stops
// it (bad flags, unreadable inventory, read-only --dir, a held lock), ends with one log line
// and the notifications.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';

/** Exit codes a cron wrapper acts on. */
const CODES = { OK: 0, FAILED: 2, LOCKED: 3, INVALID: 5 } as const;

export default class EtcdBackup extends BaseCommand {
  static override summary = 'Take a verified etcd snapshot and store it on the controller';
  static override description = `Probes every member of the etcd group in parallel (--probe-timeout each), runs
\`etcdctl snapshot save\` on the first healthy one, checks \`snapshot status\` and the SHA-256
trailer, and stores NAME.db, NAME.db.sha256 and NAME.json (members, revision, user keys,
size, duration) in --dir, each written to a temp file, fsync'd and renamed. Then retention
runs (only this cluster's files). One log line per run (JSON with --json), also for bad flags,
a held lock or an unwritable --dir; the webhook and e-mail hear about every outcome. -e
overrides member vars; -l narrows the members probed; -v prints progress on stderr.

EXIT CODES
  0  snapshot stored (a failed notification is reported, not fatal)
  2  backup failed (no healthy member, save or verification failed, --dir unwritable)
  3  another backup holds the lock
  5  invalid input (flags, inventory, a non-root login without become)`;

  static override examples = ['<%= config.bin %> etcd backup -i inventory/prod.yml --dir /var/backups/etcd --keep 24 --json'];

  static override flags = {
    group: Flags.string({ description: 'inventory group of the etcd members', default: 'etcd' }),
    cluster: Flags.string({ description: 'cluster name in file names (default: etcd_cluster_token/cluster_token var, else the member config\'s initial-cluster-token, else "etcd")' }),
    dir: Flags.string({ description: 'where snapshots are kept', default: '/var/backups/drover-etcd' }),
    keep: Flags.integer({ description: 'keep the newest N snapshots', default: 24, min: 1 }),
    hourly: Flags.integer({ description: 'also keep the newest snapshot of each of the last N hours', min: 0 }),
    daily: Flags.integer({ description: 'also keep the newest snapshot of each of the last N days', min: 0 }),
    weekly: Flags.integer({ description: 'also keep the newest snapshot of each of the last N weeks', min: 0 }),
    webhook: Flags.string({ description: 'POST the outcome as JSON to this URL (success and failure)' }),
    'mail-to': Flags.string({ description: 'e-mail the outcome to this address (repeatable)', multiple: true }),
    'mail-from': Flags.string({ description: 'sender address', default: 'drover@localhost' }),
    smtp: Flags.string({ description: 'SMTP server URL, smtp://[user:pass@]host:port or smtps://...', default: 'smtp://127.0.0.1:25' }),
    'probe-timeout': Flags.integer({ description: 'seconds a probe of one member may take (members are probed in parallel)', default: 5, min: 1 }),
    'key-prefix': Flags.string({ description: 'the sidecar counts the user keys under this prefix', default: '' }),
  };

  async run(): Promise<void> {
    const { rawBackupSettings } = await import('../../etcd/raw-argv.js');
    const { notifyOutcome } = await import('../../etcd/backup-notify.js');
    let flags;
    try {
      ({ flags } = await this.parse(EtcdBackup));
    } catch (err) {
      // no flags to trust: the log line and notifications go where argv says
      const raw = rawBackupSettings(this.argv);
      const outcome = { status: 'invalid' as const, cluster: raw.cluster ?? 'etcd', deleted: [], error: `invalid flags: ${(err as Error).message.split('\n')[0]}`, durationMs: 0 };
      const notes = await notifyOutcome(outcome, { webhook: raw.webhook, mail: raw.mailTo.length ? { url: raw.smtp, from: raw.mailFrom, to: raw.mailTo } : undefined });
      this.report(raw.json, { ...outcome, ...notes });
      return this.exit(CODES.INVALID);
    }
    const mail = flags['mail-to']?.length ? { url: flags.smtp, from: flags['mail-from'], to: flags['mail-to'] } : undefined;
    const { loadInventory } = await import('../../inventory/load-inventory.js');
    const { runBackup } = await import('../../etcd/backup.js');
    const { etcdScope } = await import('../../etcd/command-scope.js');
    let scope;
    let inventory;
    try {
      inventory = await loadInventory(this.inventorySources(flags.inventory));
      scope = etcdScope(inventory, { group: flags.group, limit: flags.limit, extraVars: flags['extra-vars'], limitAllowed: true });
    } catch (err) {
      const outcome = { status: 'invalid' as const, cluster: flags.cluster ?? 'etcd', deleted: [], error: (err as Error).message, durationMs: 0 };
      this.report(flags.json, { ...outcome, ...(await notifyOutcome(outcome, { webhook: flags.webhook, mail })) });
      return this.exit(CODES.INVALID);
    }
    const outcome = await runBackup({
      inventory,
      hosts: scope.hosts,
      extraVars: scope.extraVars,
      cluster: flags.cluster,
      dir: flags.dir,
      retention: { keepLast: flags.keep, hourly: flags.hourly, daily: flags.daily, weekly: flags.weekly },
      webhook: flags.webhook,
      mail,
      probeTimeoutS: flags['probe-timeout'],
      keyPrefix: flags['key-prefix'],
      log: flags.verbose ? (line) => this.logToStderr(line) : undefined,
    });
    this.report(flags.json, outcome);
    if (outcome.status !== 'ok') this.exit(CODES[outcome.status === 'locked' ? 'LOCKED' : outcome.status === 'invalid' ? 'INVALID' : 'FAILED']);
  }

  /** The one log line of a run. */
  private report(json: boolean, o: { status: string; cluster: string; file?: string; error?: string; durationMs: number; deleted: string[]; meta?: { member: string; revision: number; keys?: number; totalKey: number; sizeBytes: number; sha256: string }; notification?: { ok: boolean; error?: string }; mail?: { ok: boolean; error?: string } }): void {
    if (json) return this.log(JSON.stringify({ event: 'etcd-backup', ...o }));
    const failedNotes = [o.notification, o.mail].filter((n) => n && !n.ok).map((n) => n!.error);
    const note = failedNotes.length ? ` notification_failed="${failedNotes.join('; ')}"` : '';
    const m = o.meta;
    this.log(
      o.status === 'ok'
        ? `etcd-backup ok cluster=${o.cluster} file=${o.file} member=${m!.member} revision=${m!.revision} keys=${m!.keys ?? '?'} bytes=${m!.sizeBytes} sha256=${m!.sha256.slice(0, 16)}… deleted=${o.deleted.length} duration_ms=${o.durationMs}${note}`
        : `etcd-backup ${o.status.toUpperCase()} cluster=${o.cluster} error="${o.error}" duration_ms=${o.durationMs}${note}`,
    );
  }
}
