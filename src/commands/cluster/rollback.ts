// drover cluster rollback --node NAME: put a node an upgrade changed back on its previous
// kubelet and kube-proxy binaries and flags.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { connectionFlags } from '../../cli/connection-flags.js';
import { EXIT } from '../../cli/exit-codes.js';

export default class ClusterRollback extends BaseCommand {
  static override summary = 'Return a node an upgrade changed to its previous binaries and flags';
  static override description = `Reads the version the node ran before the upgrade (its drover.io/upgrade-from annotation),
puts that release's kubelet and kube-proxy back with that minor's flags (dockerd untouched),
waits until the node is Ready at that version and labels it drover.io/upgrade=rolled-back.

EXIT CODES
  0   the node is Ready at its previous version
  2   the play failed or the node did not come back Ready at that version
  5   invalid input: unknown node, or no upgrade recorded on it`;

  static override examples = ['<%= config.bin %> cluster rollback -i inventory/cluster.yml --node node1'];

  static override flags = {
    ...connectionFlags,
    node: Flags.string({ description: 'the node to roll back', required: true }),
    'pki-dir': Flags.string({ description: 'controller directory of the cluster\'s PKI [default: pki/CLUSTER_NAME beside the inventory]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterRollback);
    const { runClusterRollback } = await import('../../cluster/upgrade/run.js');
    const code = await runClusterRollback({
      ...(await this.clusterOptions(flags, { limit: false })),
      node: flags.node,
    });
    if (code !== EXIT.OK) this.exit(code);
  }
}
