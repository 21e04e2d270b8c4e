// drover etcd status: members, leader, revision, DB size, health; probed in parallel with a short timeout.
import { Flags } from '@oclif/core';
import { LeanCommand, pickBaseFlags } from '../../cli/base-command.js';

export default class EtcdStatus extends LeanCommand {
  // only the base flags this command reads; the others are refused, not ignored
  static override baseFlags = pickBaseFlags('inventory', 'limit', 'extra-vars', 'json');

  static override summary = 'Show each etcd member: ID, name, leader, revision, DB size, health';
  static override description = `Asks every member of --group (narrowed by -l; -e overrides member vars) at once, each
probe bounded by --probe-timeout, so a dead member shows as UNHEALTHY within seconds.
Exit code 0 when every member is healthy, 2 otherwise, 5 for invalid input.`;
  static override examples = ['<%= config.bin %> etcd status -i inventory.yml', '<%= config.bin %> etcd status -i inventory.yml --group etcd_b --json'];
  static override flags = {
    group: Flags.string({ description: 'inventory group of the etcd members', default: 'etcd' }),
    'probe-timeout': Flags.integer({ description: 'seconds a probe of one member may take', default: 5, min: 1 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(EtcdStatus);
    const { loadInventory } = await import('../../inventory/load-inventory.js');
    const { clusterStatus } = await import('../../etcd/status.js');
    const { etcdScope } = await import('../../etcd/command-scope.js');
    const { AccessRefused } = await import('../../etcd/member-host.js');
    const inventory = await loadInventory(this.inventorySources(flags.inventory));
    let rows;
    try {
      const scope = etcdScope(inventory, { group: flags.group, limit: flags.limit, extraVars: flags['extra-vars'], limitAllowed: true });
      rows = await clusterStatus(inventory, { ...scope, probeTimeoutS: flags['probe-timeout'] });
    } catch (err) {
      if (!(err instanceof AccessRefused)) throw err;
      this.logToStderr(`ERROR! ${err.message}`);
      return this.exit(5);
    }
    if (flags.json) this.log(JSON.stringify(rows));
    else {
      const table = [['ID', 'NAME', 'ENDPOINT', 'LEADER', 'REVISION', 'DB SIZE', 'HEALTH'], ...rows.map((r) => [r.id ?? '-', r.host, r.endpoint, r.leader ? 'yes' : 'no', String(r.revision ?? '-'), r.dbSize !== undefined ? `${(r.dbSize / 1024).toFixed(0)} kB` : '-', r.healthy ? 'healthy' : `UNHEALTHY${r.error ? `: ${r.error}` : ''}`])];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) this.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
    }
    if (!rows.length || rows.some((r) => !r.healthy)) this.exit(2);
  }
}
