// drover cluster start: cluster stop undone in a safe order, each stage verified before the next.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { EXIT } from '../../cli/exit-codes.js';
import type { StageName } from '../../cluster/maintenance/context.js';
import { MAINTENANCE_EXIT_HELP, maintenanceFlags } from './stop.js';

const STAGES = ['etcd', 'apiservers', 'nodes', 'control-plane', 'entrances'];

export default class ClusterStart extends BaseCommand {
  static override summary = 'Start a cluster after maintenance: etcd, apiservers, kubelets, controller-manager + scheduler, entrances, each verified';
  static override description = `Stages, in order: (etcd: same leader everywhere) → (apiservers: a real API read) →
kubelets + kube-proxy (every node Ready by a fresh heartbeat, containers unchanged) →
controller-manager + scheduler (leaders renewing) → entrances (a real read through them).
etcd and apiservers are included with --etcd/--apiservers or when cluster stop left them
stopped. --from/--to run part of it. Each stage runs playbooks/cluster/maintenance/start-<stage>.yml.

${MAINTENANCE_EXIT_HELP}`;

  static override examples = ['<%= config.bin %> cluster start -i inventory/cluster.yml --yes', '<%= config.bin %> cluster start -i inventory/cluster.yml --to nodes --yes'];

  static override flags = {
    ...maintenanceFlags,
    from: Flags.string({ description: 'first stage to run', options: STAGES }),
    to: Flags.string({ description: 'last stage to run', options: STAGES }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterStart);
    const { runMaintenance } = await import('../../cluster/maintenance/run.js');
    const code = await runMaintenance({
      action: 'start',
      ...(await this.clusterOptions(flags, { limit: false })),
      stateDir: flags['state-dir'],
      apiservers: flags.apiservers,
      etcd: flags.etcd,
      from: flags.from as StageName | undefined,
      to: flags.to as StageName | undefined,
      plan: flags.plan,
      yes: flags.yes,
      reason: flags.reason,
    });
    if (code !== EXIT.OK) this.exit(code);
  }
}
