// drover cluster status: the verification table of `cluster deploy`, at any time.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { EXIT } from '../../cli/exit-codes.js';

export default class ClusterStatus extends BaseCommand {
  static override summary = 'Check a deployed cluster: apiservers, VIP, leaders, nodes, etcd';
  static override description = `Prints the verification table of \`cluster deploy\`: each apiserver's /healthz and version,
the VIP holder and whether it answers, the controller-manager and scheduler leaders renewing
their locks, each node Ready at kube_version, each etcd member healthy. Read-only.

EXIT CODES
  0   every row green
  2   a row is red
  5   invalid inventory or cluster vars`;

  static override examples = ['<%= config.bin %> cluster status -i inventory/cluster.yml', '<%= config.bin %> cluster status -i inventory/cluster.yml --json'];

  static override flags = {
    'pki-dir': Flags.string({ description: 'controller directory of the cluster\'s PKI [default: pki/CLUSTER_NAME beside the inventory]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterStatus);
    const { runClusterStatus } = await import('../../cluster/deploy.js');
    const code = await runClusterStatus({
      ...(await this.clusterOptions(flags, { limit: false, connection: false })),
    });
    if (code !== EXIT.OK) this.exit(code);
  }
}
