// drover etcd verify-restore SNAPSHOT: prove a backup restorable in a throwaway local member.
import { Args, Flags } from '@oclif/core';
import { LeanCommand, pickBaseFlags } from '../../cli/base-command.js';

export default class EtcdVerifyRestore extends LeanCommand {
  // only the base flags this command reads; the others are refused, not ignored
  static override baseFlags = pickBaseFlags('json');

  static override summary = 'Prove a snapshot restorable: restore it into a throwaway local etcd and check it';
  static override description = `Checks the snapshot (SHA-256 trailer and SNAPSHOT.sha256), restores it with etcdctl into a
temp dir on this machine, starts a single throwaway etcd member on --listen (random ports
from 20000), waits for it to be healthy, and compares its revision and key count with the
sidecar (NAME.json: revision, and keys under its keyPrefix). The member and its data are
removed afterwards. Needs etcd and etcdctl on this machine. For cron, after each backup.

EXIT CODES
  0  restorable: healthy, revision and keys as the sidecar says
  2  not restorable (restore, start or a check failed)
  5  refused: no snapshot, corrupt snapshot or checksum mismatch`;

  static override examples = ['<%= config.bin %> etcd verify-restore /var/backups/etcd/prod-a-20261124T040000Z-rev51.db --json'];
  static override args = { snapshot: Args.string({ description: 'snapshot file (.db)', required: true }) };
  static override flags = {
    listen: Flags.string({ description: 'loopback address the throwaway member binds', default: '127.0.0.1' }),
    'key-prefix': Flags.string({ description: 'count keys under this prefix (default: the sidecar\'s keyPrefix)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(EtcdVerifyRestore);
    const { verifyRestore } = await import('../../etcd/verify-restore.js');
    const report = await verifyRestore({ snapshot: args.snapshot, listen: flags.listen, keyPrefix: flags['key-prefix'], log: (l) => (flags.json ? this.logToStderr(l) : this.log(l)) });
    if (flags.json) this.log(JSON.stringify({ event: 'etcd-verify-restore', ...report }));
    else this.log(report.ok ? `etcd-verify-restore ok revision=${report.revision} keys=${report.keys} duration_ms=${report.durationMs}` : `etcd-verify-restore FAILED: ${report.error}`);
    if (!report.ok) this.exit(report.refused ? 5 : 2);
  }
}
