// drover cluster stop: close the cluster for maintenance, stage by stage, each stage proven.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { connectionFlags } from '../../cli/connection-flags.js';
import { EXIT } from '../../cli/exit-codes.js';

/** Exit codes of cluster stop/start. */
export const MAINTENANCE_EXIT_HELP = `EXIT CODES
  0   every stage done and proven by its gate
  2   a stage failed or its gate did not hold: the run stopped there (the report names host and what it saw)
  3   another cluster stop/start or guard holds the cluster's lock; nothing was touched
  5   invalid inventory, cluster vars or stage names; or not confirmed
  99  interrupted`;

/** Flags cluster stop and cluster start share. */
export const maintenanceFlags = {
  ...connectionFlags,
  apiservers: Flags.boolean({ description: 'also stop (start) every apiserver', default: false }),
  etcd: Flags.boolean({ description: 'also stop (start) etcd', default: false }),
  plan: Flags.boolean({ description: 'print the stages and their gates, then exit', default: false }),
  yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation on a terminal', default: false }),
  reason: Flags.string({ description: 'why: recorded as a kube-system Event and in the output' }),
  'pki-dir': Flags.string({ description: 'controller directory of the cluster\'s PKI [default: pki/CLUSTER_NAME beside the inventory]' }),
  'state-dir': Flags.string({ description: 'controller directory of the maintenance record and lock [default: .drover/CLUSTER_NAME beside the inventory]' }),
};

export default class ClusterStop extends BaseCommand {
  static override summary = 'Stop a cluster for maintenance: entrances, controller-manager + scheduler, kubelets';
  static override description = `Stages, in order: entrances (the users' frontend and cluster_entrance_units) →
(--apiservers) → controller-manager + scheduler → kubelets + kube-proxy → (--etcd). Each stage runs
playbooks/cluster/maintenance/stop-<stage>.yml, then a gate proves it from outside; every gate
also checks that every container still runs with the ID and start time it had before the first
stage. A failed gate stops the run there. The stop is recorded for cluster start and cluster guard.

${MAINTENANCE_EXIT_HELP}`;

  static override examples = ['<%= config.bin %> cluster stop -i inventory/cluster.yml --plan', '<%= config.bin %> cluster stop -i inventory/cluster.yml --reason "kernel update" --yes'];

  static override flags = maintenanceFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterStop);
    const { runMaintenance } = await import('../../cluster/maintenance/run.js');
    const code = await runMaintenance({
      action: 'stop',
      ...(await this.clusterOptions(flags, { limit: false })),
      stateDir: flags['state-dir'],
      apiservers: flags.apiservers,
      etcd: flags.etcd,
      plan: flags.plan,
      yes: flags.yes,
      reason: flags.reason,
    });
    if (code !== EXIT.OK) this.exit(code);
  }
}
