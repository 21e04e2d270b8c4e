// drover cluster guard: stop controller-manager and scheduler while no apiserver answers.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { connectionFlags } from '../../cli/connection-flags.js';
import { EXIT } from '../../cli/exit-codes.js';

export default class ClusterGuard extends BaseCommand {
  static override summary = 'Stop controller-manager and scheduler while no apiserver answers; start them when all are back';
  static override description = `One round (for cron, every minute) or --watch: if no apiserver answers a real API read
(GET namespaces/kube-system) for --grace seconds, run \`systemctl stop kube-controller-manager
kube-scheduler\` on every control-plane host at once and notify; when every apiserver answers
again, start what the outage took down, wait for both leaders to renew, and notify (--webhook,
--mail-to). It never starts what \`cluster stop\` stopped nor what it found down while an
apiserver answered, and it never acts while a cluster stop/start holds the lock.

EXIT CODES
  0   nothing to do, or the action was proven
  2   an action failed or was not proven
  3   a cluster stop/start holds the lock (this round did nothing)
  5   invalid inventory or cluster vars`;

  static override examples = ['<%= config.bin %> cluster guard -i inventory/cluster.yml --grace 30 --webhook https://hooks.example/ops --mail-to oncall@example.com --smtp smtp://mail.example.com:25', '<%= config.bin %> cluster guard -i inventory/cluster.yml --watch --interval 10'];

  static override flags = {
    ...connectionFlags,
    grace: Flags.integer({ description: 'seconds without any apiserver before acting', default: 30, min: 0 }),
    watch: Flags.boolean({ description: 'keep checking every --interval seconds until interrupted', default: false }),
    interval: Flags.integer({ description: 'seconds between checks with --watch', default: 10, min: 1 }),
    'probe-timeout': Flags.integer({ description: 'seconds one API read may take before that apiserver counts as not answering', default: 3, min: 1 }),
    webhook: Flags.string({ description: 'URL each action is POSTed to as JSON (credentials in the URL become Basic auth)' }),
    'mail-to': Flags.string({ description: 'e-mail each action to this address (repeatable)', multiple: true }),
    'mail-from': Flags.string({ description: 'sender address', default: 'drover@localhost' }),
    smtp: Flags.string({ description: 'SMTP server URL, smtp://[user:pass@]host:port or smtps://...', default: 'smtp://127.0.0.1:25' }),
    'pki-dir': Flags.string({ description: 'controller directory of the cluster\'s PKI [default: pki/CLUSTER_NAME beside the inventory]' }),
    'state-dir': Flags.string({ description: 'controller directory of the maintenance record and lock [default: .drover/CLUSTER_NAME beside the inventory]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterGuard);
    const { runClusterGuard } = await import('../../cluster/maintenance/guard.js');
    const code = await runClusterGuard({
      ...(await this.clusterOptions(flags, { limit: false })),
      stateDir: flags['state-dir'],
      graceSeconds: flags.grace,
      watch: flags.watch,
      intervalSeconds: flags.interval,
      probeTimeoutSeconds: flags['probe-timeout'],
      webhook: flags.webhook,
      mail: flags['mail-to']?.length ? { url: flags.smtp, from: flags['mail-from'], to: flags['mail-to'] } : undefined,
    });
    if (code !== EXIT.OK) this.exit(code);
  }
}
