// drover etcd restore SNAPSHOT: onto a group's members, in place or onto other hosts, then proved.
import { Args, Flags } from '@oclif/core';
import { LeanCommand, pickBaseFlags } from '../../cli/base-command.js';

export default class EtcdRestore extends LeanCommand {
  // only the base flags this command reads; the others are refused, not ignored
  static override baseFlags = pickBaseFlags('inventory', 'limit', 'extra-vars', 'json');

  static override summary = 'Restore an etcd snapshot onto the members of a group and prove the result';
  static override description = `Verifies the snapshot (SHA-256 trailer, and SNAPSHOT.sha256 when it is there), then a
preflight touches nothing: --group must have an odd number of members, at least 3, each
reachable with drover's etcd config, unit and certificates (deploy them first with
playbooks/etcd/deploy.yml). Then it stops the apiservers of --apiserver-group, stops etcd on
every member, moves each data dir aside (never deletes it), restores every member with its
name, peer URL, the cluster list and --token, starts all members together, and checks: every
endpoint healthy, one leader, member list, equal hashkv, revision at least the snapshot's,
keys present (under --expect-prefix when given). Then it starts the apiservers.
A failure before etcd starts on the new data puts the old data back and starts etcd and the
apiservers again; a failure after it still starts the apiservers. Progress lines go to stdout
(stderr with --json); the last line (the JSON line with --json) says the state left behind.
-e overrides member vars; -l is refused (a restore acts on the whole group).

EXIT CODES
  0  restored and verified
  2  failed, and the cluster was left as it was (untouched, or rolled back and running again)
  4  failed after the point of no return (the restored data runs unverified, or a recovery
     step failed): the report lists etcd and kube-apiserver state per host
  5  refused: invalid input, bad snapshot, preflight, data dir exists without --force`;

  static override examples = ['<%= config.bin %> etcd restore /var/backups/etcd/prod-a-20261124T040000Z-rev51.db -i inv.yml --token prod-a --force'];
  static override args = { snapshot: Args.string({ description: 'snapshot file (.db) taken by drover etcd backup or etcdctl', required: true }) };
  static override flags = {
    group: Flags.string({ description: 'inventory group of the members to restore onto', default: 'etcd' }),
    'apiserver-group': Flags.string({ description: 'inventory group whose kube-apiserver is stopped first and started last' }),
    token: Flags.string({ description: 'initial cluster token of the restored cluster (same token, names and URLs keep the member IDs)', required: true }),
    'data-dir': Flags.string({ description: 'etcd data dir on the members', default: '/var/lib/etcd/data' }),
    force: Flags.boolean({ description: 'move an existing data dir aside', default: false }),
    'expect-prefix': Flags.string({ description: 'fail unless keys exist under this prefix after the restore' }),
    'probe-timeout': Flags.integer({ description: 'seconds a probe of one member may take (members are probed in parallel)', default: 5, min: 1 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(EtcdRestore);
    const { loadInventory } = await import('../../inventory/load-inventory.js');
    const { runRestore, restoreExitCode } = await import('../../etcd/restore.js');
    const { etcdScope } = await import('../../etcd/command-scope.js');
    const { AccessRefused } = await import('../../etcd/member-host.js');
    const inventory = await loadInventory(this.inventorySources(flags.inventory));
    let scope;
    let apiserverHosts: string[] = [];
    try {
      scope = etcdScope(inventory, { group: flags.group, limit: flags.limit, extraVars: flags['extra-vars'], limitAllowed: false });
      if (flags['apiserver-group']) apiserverHosts = inventory.select(flags['apiserver-group']);
    } catch (err) {
      if (!(err instanceof AccessRefused)) throw err;
      if (flags.json) this.log(JSON.stringify({ event: 'etcd-restore', ok: false, state: 'untouched', refused: true, error: err.message }));
      else this.logToStderr(`ERROR! ${err.message}`);
      return this.exit(5);
    }
    const report = await runRestore({
      inventory,
      snapshot: args.snapshot,
      group: flags.group,
      hosts: scope.hosts,
      apiserverHosts,
      extraVars: scope.extraVars,
      token: flags.token,
      dataDir: flags['data-dir'],
      force: flags.force,
      expectPrefix: flags['expect-prefix'],
      probeTimeoutS: flags['probe-timeout'],
      // progress as it happens; with --json stdout keeps only the final line
      log: (line) => (flags.json ? this.logToStderr(line) : this.log(line)),
    });
    const code = restoreExitCode(report);
    if (flags.json) this.log(JSON.stringify({ event: 'etcd-restore', exitCode: code, ...report }));
    else {
      for (const [name, id] of Object.entries(report.newMembers)) this.log(`member ${name}: ${report.oldMembers[name] ?? '(none)'} -> ${id}`);
      for (const [name, dir] of Object.entries(report.movedAside)) this.log(`old data of ${name} kept at ${dir}`);
      for (const [name, dir] of Object.entries(report.failedRestores)) this.log(`restored data of ${name} moved out of the way to ${dir}`);
      if (Object.keys(report.etcdState).length) this.log(`etcd: ${Object.entries(report.etcdState).map(([h, s]) => `${h}=${s}`).join(' ')}${Object.keys(report.apiserverState).length ? `; kube-apiserver: ${Object.entries(report.apiserverState).map(([h, s]) => `${h}=${s}`).join(' ')}` : ''}`);
      if (report.ok) this.log(`etcd-restore ok state=restored leader=${report.leader} revision=${report.revision} keys=${report.keys} hashkv=${Object.values(report.hashkv ?? {})[0]}`);
      else (code === 5 ? this.logToStderr.bind(this) : this.log.bind(this))(`${code === 5 ? 'ERROR! ' : ''}etcd-restore FAILED state=${report.state} exit=${code}: ${report.error}${report.recoveryErrors.length ? ` (recovery: ${report.recoveryErrors.join('; ')})` : ''}`);
    }
    if (code !== 0) this.exit(code);
  }
}
