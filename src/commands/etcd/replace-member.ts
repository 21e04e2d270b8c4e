// drover etcd replace-member HOST: single-member recovery while the others keep quorum.
import { Args, Flags } from '@oclif/core';
import { LeanCommand, pickBaseFlags } from '../../cli/base-command.js';

export default class EtcdReplaceMember extends LeanCommand {
  // only the base flags this command reads; the others are refused, not ignored
  static override baseFlags = pickBaseFlags('inventory', 'limit', 'extra-vars', 'json');

  static override summary = 'Bring one lost member back into a running etcd cluster (single-member recovery)';
  static override description = `For a member whose data is lost, or a new machine with the same inventory name and address
(deploy it first with playbooks/etcd/deploy.yml -l HOST). Refused unless HOST is deployed and
the other members of --group hold a quorum (otherwise restore from a snapshot). Then: stop etcd
on HOST, move its data dir aside, member remove its old ID and member add it again (from a
healthy member), set initial-cluster and initial-cluster-state: existing in HOST's config,
start etcd, and wait until HOST is healthy and every member's hashkv is equal.

EXIT CODES
  0  HOST rejoined and caught up
  4  failed after a change (the report lists the steps done: stopped, moved-aside, removed, added, started)
  5  refused: HOST not in --group or not deployed, no quorum among the others, invalid input`;

  static override examples = ['<%= config.bin %> etcd replace-member host3 -i inventory.yml'];
  static override args = { host: Args.string({ description: 'inventory name of the member to bring back', required: true }) };
  static override flags = {
    group: Flags.string({ description: 'inventory group of the etcd members', default: 'etcd' }),
    'data-dir': Flags.string({ description: 'etcd data dir on the members', default: '/var/lib/etcd/data' }),
    'probe-timeout': Flags.integer({ description: 'seconds a probe of one member may take', default: 5, min: 1 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(EtcdReplaceMember);
    const { loadInventory } = await import('../../inventory/load-inventory.js');
    const { replaceMember } = await import('../../etcd/replace-member.js');
    const { etcdScope } = await import('../../etcd/command-scope.js');
    const { AccessRefused } = await import('../../etcd/member-host.js');
    const inventory = await loadInventory(this.inventorySources(flags.inventory));
    let scope;
    try {
      scope = etcdScope(inventory, { group: flags.group, limit: flags.limit, extraVars: flags['extra-vars'], limitAllowed: false });
    } catch (err) {
      if (!(err instanceof AccessRefused)) throw err;
      this.logToStderr(`ERROR! ${err.message}`);
      return this.exit(5);
    }
    const report = await replaceMember({ inventory, target: args.host, hosts: scope.hosts, extraVars: scope.extraVars, dataDir: flags['data-dir'], probeTimeoutS: flags['probe-timeout'], log: (l) => (flags.json ? this.logToStderr(l) : this.log(l)) });
    if (flags.json) this.log(JSON.stringify({ event: 'etcd-replace-member', ...report }));
    else this.log(report.ok ? `etcd-replace-member ok ${report.target}: ${report.oldId ?? '(none)'} -> ${report.newId}` : `etcd-replace-member FAILED ${report.target}${report.done.length ? ` after ${report.done.join(', ')}` : ' (nothing touched)'}: ${report.error}`);
    if (!report.ok) this.exit(report.refused ? 5 : 4);
  }
}
