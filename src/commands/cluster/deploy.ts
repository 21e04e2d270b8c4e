// drover cluster deploy: preflight, PKI, the deploy playbook, then the verification table.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { connectionFlags } from '../../cli/connection-flags.js';
import { EXIT } from '../../cli/exit-codes.js';

export const CLUSTER_EXIT_HELP = `EXIT CODES
  0   deployed (or checked) and every row of the verification table is green
  2   a host failed a task, or a verification row is red
  4   a host was unreachable during the playbook
  5   invalid input or a preflight problem (binaries, versions, etcd count, VIP, ports); no host was touched
  99  interrupted`;

export default class ClusterDeploy extends BaseCommand {
  static override summary = 'Deploy (or converge) an HA, TLS Kubernetes cluster from plain binaries';
  static override description = `Reads the cluster from the inventory (groups etcd, kube_control_plane, kube_node; the old
kube-master/kube-node names work too) and its cluster vars (README: "Deploy a cluster"), then:
preflight (release binaries present with --version = kube_version, odd etcd count, VIP free or
held by a control-plane host, ports free or held by our own units), the PKI on the controller
(kept on rerun, re-issued when expiring or missing a SAN), playbooks/cluster/deploy.yml, and a
verification table. --limit adds nodes without touching the others. A rerun is changed=0.

${CLUSTER_EXIT_HELP}`;

  static override examples = ['<%= config.bin %> cluster deploy -i inventory/cluster.yml', '<%= config.bin %> cluster deploy -i inventory/cluster.yml -l node5', '<%= config.bin %> cluster deploy -i inventory/cluster.yml --check --diff'];

  static override flags = {
    ...connectionFlags,
    check: Flags.boolean({ char: 'C', description: 'predict changes without making them', default: false }),
    diff: Flags.boolean({ char: 'D', description: 'show before/after for changed files', default: false }),
    forks: Flags.integer({ char: 'f', description: 'hosts worked on at once [default: 50]', min: 1 }),
    'pki-dir': Flags.string({ description: 'controller directory of the cluster\'s PKI [default: pki/CLUSTER_NAME beside the inventory]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterDeploy);
    const { runClusterDeploy } = await import('../../cluster/deploy.js');
    const code = await runClusterDeploy({
      ...(await this.clusterOptions(flags, { limit: true })),
      check: flags.check,
      diff: flags.diff,
    });
    if (code !== EXIT.OK) this.exit(code);
  }
}
