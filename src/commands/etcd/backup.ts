// drover etcd backup: a verified snapshot of the cluster, for cron.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';

/** Exit codes a cron wrapper acts on. */
const CODES = { OK: 0, FAILED: 2, LOCKED: 3, INVALID: 5 } as const;

export default class EtcdBackup extends BaseCommand {
  static override summary = 'Take a verified etcd snapshot and store it on the controller';
  static override description = `Chooses a healthy member of the etcd group, runs \`etcdctl snapshot save\` there, checks
\`snapshot status\` and the SHA-256 trailer, and stores NAME.db, NAME.db.sha256 and NAME.json
(members, revision, keys, size, duration) in --dir, each written to a temp file, fsync'd and
renamed. Then retention runs. One log line per run (JSON with --json).

EXIT CODES
  0  snapshot stored (a failed notification is reported, not fatal)
  2  backup failed (no healthy member, save or verification failed)
  3  another backup holds the lock
  5  invalid input`;

  static override examples = ['<%= config.bin %> etcd backup -i inventory/prod.yml --dir /var/backups/etcd --keep 24 --json'];

  static override flags = {
    group: Flags.string({ description: 'inventory group of the etcd members', default: 'etcd' }),
    cluster: Flags.string({ description: 'cluster name in file names (default: etcd_cluster_token, else "etcd")' }),
    dir: Flags.string({ description: 'where snapshots are kept', default: '/var/backups/drover-etcd' }),
    keep: Flags.integer({ description: 'keep the newest N snapshots', default: 24, min: 1 }),
    hourly: Flags.integer({ description: 'also keep the newest snapshot of each of the last N hours', min: 0 }),
    daily: Flags.integer({ description: 'also keep the newest snapshot of each of the last N days', min: 0 }),
    weekly: Flags.integer({ description: 'also keep the newest snapshot of each of the last N weeks', min: 0 }),
    webhook: Flags.string({ description: 'POST the outcome as JSON to this URL (success and failure)' }),
    'mail-to': Flags.string({ description: 'e-mail the outcome to this address (repeatable)', multiple: true }),
    'mail-from': Flags.string({ description: 'sender address', default: 'drover@localhost' }),
    smtp: Flags.string({ description: 'SMTP server URL, smtp://[user:pass@]host:port or smtps://...', default: 'smtp://127.0.0.1:25' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(EtcdBackup);
    const { loadInventory } = await import('../../inventory/load-inventory.js');
    const { runBackup } = await import('../../etcd/backup.js');
    const { LockHeldError } = await import('../../etcd/backup-lock.js');
    const inventory = await loadInventory(this.inventorySources(flags.inventory));
    let outcome;
    try {
      outcome = await runBackup({
        inventory,
        group: flags.group,
        cluster: flags.cluster,
        dir: flags.dir,
        retention: { keepLast: flags.keep, hourly: flags.hourly, daily: flags.daily, weekly: flags.weekly },
        webhook: flags.webhook,
        mail: flags['mail-to']?.length ? { url: flags.smtp, from: flags['mail-from'], to: flags['mail-to'] } : undefined,
      });
    } catch (err) {
      if (err instanceof LockHeldError) {
        this.log(flags.json ? JSON.stringify({ event: 'etcd-backup', status: 'locked', error: err.message }) : `etcd-backup locked: ${err.message}`);
        this.exit(CODES.LOCKED);
      }
      throw err;
    }
    if (flags.json) this.log(JSON.stringify({ event: 'etcd-backup', ...outcome }));
    else {
      const m = outcome.meta;
      const failedNotes = [outcome.notification, outcome.mail].filter((n) => n && !n.ok).map((n) => n!.error);
      const note = failedNotes.length ? ` notification_failed="${failedNotes.join('; ')}"` : '';
      this.log(
        outcome.status === 'ok'
          ? `etcd-backup ok cluster=${outcome.cluster} file=${outcome.file} member=${m!.member} revision=${m!.revision} keys=${m!.totalKey} bytes=${m!.sizeBytes} sha256=${m!.sha256.slice(0, 16)}… deleted=${outcome.deleted.length} duration_ms=${outcome.durationMs}${note}`
          : `etcd-backup FAILED cluster=${outcome.cluster} error="${outcome.error}" duration_ms=${outcome.durationMs}${note}`,
      );
    }
    if (outcome.status !== 'ok') this.exit(CODES.FAILED);
  }
}
