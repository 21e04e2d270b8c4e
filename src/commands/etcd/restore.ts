// drover etcd restore SNAPSHOT: onto a group's members, in place or onto other hosts, then proved.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';

export default class EtcdRestore extends BaseCommand {
  static override summary = 'Restore an etcd snapshot onto the members of a group and prove the result';
  static override description = `Verifies the snapshot (SHA-256 trailer), stops the apiservers of --apiserver-group, stops
etcd on every member of --group, moves each data dir aside (never deletes it), restores every
member with its name, peer URL, the cluster list and --token, starts all members together,
then checks: every endpoint healthy, one leader, member list, equal hashkv, revision at least
the snapshot's, keys present. Prints old and new member IDs, then starts the apiservers.
An existing data dir is only moved aside with --force.

EXIT CODES
  0  restored and verified
  2  a step failed (the message says which; moved-aside data dirs are listed)
  5  invalid input (bad snapshot, data dir exists without --force)`;

  static override examples = ['<%= config.bin %> etcd restore /var/backups/etcd/prod-a-20261124T040000Z-rev51.db -i inv.yml --token prod-a --force'];
  static override args = { snapshot: Args.string({ description: 'snapshot file (.db) taken by drover etcd backup or etcdctl', required: true }) };
  static override flags = {
    group: Flags.string({ description: 'inventory group of the members to restore onto', default: 'etcd' }),
    'apiserver-group': Flags.string({ description: 'inventory group whose kube-apiserver is stopped first and started last' }),
    token: Flags.string({ description: 'initial cluster token of the restored cluster (same token, names and URLs keep the member IDs)', required: true }),
    'data-dir': Flags.string({ description: 'etcd data dir on the members', default: '/var/lib/etcd/data' }),
    force: Flags.boolean({ description: 'move an existing data dir aside', default: false }),
    'expect-prefix': Flags.string({ description: 'fail unless keys exist under this prefix after the restore' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(EtcdRestore);
    const { loadInventory } = await import('../../inventory/load-inventory.js');
    const { runRestore } = await import('../../etcd/restore.js');
    const inventory = await loadInventory(this.inventorySources(flags.inventory));
    let report;
    try {
      report = await runRestore({
        inventory,
        snapshot: args.snapshot,
        group: flags.group,
        apiserverGroup: flags['apiserver-group'],
        token: flags.token,
        dataDir: flags['data-dir'],
        force: flags.force,
        expectPrefix: flags['expect-prefix'],
        log: (line) => !flags.json && this.log(line),
      });
    } catch (err) {
      this.logToStderr(`ERROR! ${(err as Error).message}`);
      this.exit(5);
    }
    if (flags.json) this.log(JSON.stringify({ event: 'etcd-restore', ...report }));
    else {
      for (const [name, id] of Object.entries(report.newMembers)) this.log(`member ${name}: ${report.oldMembers[name] ?? '(none)'} -> ${id}`);
      this.log(report.ok ? `etcd-restore ok leader=${report.leader} revision=${report.revision} keys=${report.keys} hashkv=${Object.values(report.hashkv ?? {})[0]}` : `etcd-restore FAILED: ${report.error}`);
    }
    if (!report.ok) this.exit(/--force/.test(report.error ?? '') ? 5 : 2);
  }
}
