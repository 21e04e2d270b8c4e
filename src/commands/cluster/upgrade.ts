// drover cluster upgrade: the rolling 1.5 -> 1.6 upgrade (plan, preflight, backup, control
// plane one host at a time, nodes canary then batches), resumable.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { connectionFlags } from '../../cli/connection-flags.js';
import { EXIT } from '../../cli/exit-codes.js';

export default class ClusterUpgrade extends BaseCommand {
  static override summary = 'Upgrade a deployed cluster one minor (1.5 -> 1.6), control plane first, nodes canary then batches';
  static override description = `Prints the plan (every step, per host), then: preflight (one minor step, every node Ready,
etcd healthy, the --to binaries with their --version, apiserver storage etcd3 + JSON) and a
fresh verified etcd backup; then each control-plane host (VIP moved away, apiserver ->
controller-manager -> scheduler, proven through that host's apiserver), then the nodes by
--strategy: the canary first, then batches. Each node's containers are recorded before and
compared after (in-place: every one must keep its ID, start time and restartCount). Progress
lives in node labels (drover.io/upgrade) and a journal in --state-dir: the same command resumes.
The inventory's kube_version is the version upgraded from; set it to --to once done.
--storage-media-type application/vnd.kubernetes.protobuf is a separate, one-way step once every
apiserver runs 1.6 (and kube_version says so): each apiserver in turn, with the same gates.
A 1.5 apiserver cannot decode protobuf, so the control plane cannot go back to 1.5 afterwards.

EXIT CODES
  0   every stage proven
  2   a stage failed: a control-plane gate, the canary, or more batch failures than --max-failures
  5   invalid input or a preflight refusal (including a failed backup); nothing was changed;
      also --resume with no earlier run to resume
  99  interrupted (Ctrl-C / SIGTERM): the first signal lets the step in flight (a control-plane
      host, a node group) finish, then stops; a second stops at once, leaving the node being
      upgraded labelled in-progress. The report says where it stopped.
An interrupted or killed run is continued by running the same command again.`;

  static override examples = [
    '<%= config.bin %> cluster upgrade -i inventory/cluster.yml --to v1.6.13 --plan',
    '<%= config.bin %> cluster upgrade -i inventory/cluster.yml --to v1.6.13 --strategy in-place --canary 1 --batch 25% --json',
    '<%= config.bin %> cluster upgrade -i inventory/cluster.yml --storage-media-type application/vnd.kubernetes.protobuf',
  ];

  static override flags = {
    ...connectionFlags,
    to: Flags.string({ description: 'target release (one minor above the inventory\'s kube_version); required unless --storage-media-type' }),
    'storage-media-type': Flags.string({ description: 'the separate, ONE-WAY storage step after the upgrade: application/vnd.kubernetes.protobuf on each apiserver, one at a time (refused while any apiserver or the inventory is still 1.5); not with --to' }),
    plan: Flags.boolean({ description: 'print every step, in order, per host, and exit', default: false }),
    strategy: Flags.string({ description: 'how nodes are upgraded', options: ['in-place', 'drain', 'control-plane-only'], default: 'in-place' }),
    canary: Flags.integer({ description: 'nodes upgraded first, alone; any failure stops the run', default: 1, min: 0 }),
    batch: Flags.string({ description: 'nodes per batch after the canary: N or P%', default: '1' }),
    'max-failures': Flags.integer({ description: 'failed nodes tolerated over all the batches (not the canary) before the run stops', default: 0, min: 0 }),
    'allow-not-ready': Flags.boolean({ description: 'upgrade around NotReady nodes instead of refusing', default: false }),
    'state-dir': Flags.string({ description: 'journal and container records [default: .drover-upgrade/CLUSTER_NAME beside the inventory]' }),
    'backup-dir': Flags.string({ description: 'where the pre-upgrade etcd backup goes [default: STATE_DIR/etcd-backups]' }),
    fresh: Flags.boolean({ description: 'discard the journal of an earlier run instead of resuming it', default: false }),
    resume: Flags.boolean({ description: 'resume an interrupted run (the default behaviour; with this flag a run with no journal to resume is refused)', default: false }),
    forks: Flags.integer({ char: 'f', description: 'hosts worked on at once within a batch [default: 50]', min: 1 }),
    'pki-dir': Flags.string({ description: 'controller directory of the cluster\'s PKI [default: pki/CLUSTER_NAME beside the inventory]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterUpgrade);
    if (flags['storage-media-type'] !== undefined) {
      if (flags.to !== undefined) this.error('--storage-media-type is a separate step: run it without --to, once every apiserver runs the new release', { exit: EXIT.INVALID_INPUT });
      // the storage step takes every control-plane host in turn, with no plan, batches or journal: refuse what it would ignore
      const rollout = ['plan', 'strategy', 'canary', 'batch', 'max-failures', 'allow-not-ready', 'fresh', 'resume', 'forks'].filter((n) => this.argv.some((a) => a === `--${n}` || a.startsWith(`--${n}=`) || (n === 'forks' && (a === '-f' || /^-f\d/.test(a)))));
      if (rollout.length) this.error(`--storage-media-type does not take ${rollout.map((n) => `--${n}`).join(', ')} (the step switches every apiserver in turn)`, { exit: EXIT.INVALID_INPUT });
      const { runStorageStep } = await import('../../cluster/upgrade/storage-step.js');
      const code = await runStorageStep({ ...(await this.clusterOptions(flags, { limit: false })), mediaType: flags['storage-media-type'], stateDir: flags['state-dir'], backupDir: flags['backup-dir'] });
      if (code !== EXIT.OK) this.exit(code);
      return;
    }
    if (flags.to === undefined) this.error('--to VERSION is required (or --storage-media-type for the storage step)', { exit: EXIT.INVALID_INPUT });
    const { batchSize } = await import('../../cluster/upgrade/options.js');
    if (batchSize(flags.batch, 100) === undefined) this.error(`--batch '${flags.batch}' is neither a positive count nor a percentage (1-100%)`, { exit: EXIT.INVALID_INPUT });
    const { runClusterUpgrade } = await import('../../cluster/upgrade/run.js');
    const code = await runClusterUpgrade({
      ...(await this.clusterOptions(flags, { limit: true })),
      choices: { to: flags.to, strategy: flags.strategy as 'in-place', canary: flags.canary, batch: flags.batch, maxFailures: flags['max-failures'], allowNotReady: flags['allow-not-ready'] },
      planOnly: flags.plan,
      stateDir: flags['state-dir'],
      backupDir: flags['backup-dir'],
      fresh: flags.fresh,
      resume: flags.resume,
    });
    if (code !== EXIT.OK) this.exit(code);
  }
}
