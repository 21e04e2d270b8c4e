// drover run: one module on the hosts of a pattern (Ansible's ad hoc command).
import { Args, Flags } from '@oclif/core';
import { join } from 'node:path';
import { LeanCommand, pickBaseFlags } from '../cli/base-command.js';
import { connectionFlags, connectionDefaults } from '../cli/connection-flags.js';
import { configSetting } from '../cli/project-config.js';
import { EXIT, EXIT_CODE_HELP } from '../cli/exit-codes.js';

export default class Run extends LeanCommand {
  // only the base flags this command reads; the others are refused, not ignored
  static override baseFlags = pickBaseFlags('inventory', 'limit', 'extra-vars', 'json');

  static override summary = 'Run one module on the hosts matching a pattern (ad hoc)';
  static override description = `Like \`ansible PATTERN -m MODULE -a ARGS\`: a one-task play, no fact gathering.

${EXIT_CODE_HELP}`;

  static override examples = [
    "<%= config.bin %> run all -i inventory/example.yml -a 'uptime'",
    "<%= config.bin %> run web -i inv.yml -m copy -a 'src=motd dest=/etc/motd mode=0644' --become",
    "<%= config.bin %> run localhost -m debug -a 'msg={{ ansible_hostname }}' --gather",
  ];

  static override args = {
    pattern: Args.string({ description: 'host pattern (all, web, web:&prod, ~regex...)', required: true }),
  };

  static override flags = {
    ...connectionFlags,
    module: Flags.string({ char: 'm', description: 'module name', default: 'command' }),
    args: Flags.string({ char: 'a', description: 'module arguments: free form or k=v' }),
    connection: Flags.string({ char: 'c', description: 'connection type when the inventory sets none' }),
    forks: Flags.integer({ char: 'f', description: 'hosts worked on at once [default: 50, or forks in the config file]', min: 1 }),
    check: Flags.boolean({ char: 'C', description: 'predict changes without making them', default: false }),
    diff: Flags.boolean({ char: 'D', description: 'show before/after for changed files', default: false }),
    gather: Flags.boolean({ description: 'gather facts first', default: false }),
    color: Flags.boolean({ description: 'colour output', allowNo: true }),
    yes: Flags.boolean({ description: 'answer every pause prompt with its default (or empty) instead of asking', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Run);
    const config = this.projectConfig();
    const cli = await connectionDefaults(flags, config);
    // the engine loads only when a command runs, so --help and --version stay fast
    const { runPlaybook } = await import('../executor/run-playbook.js');
    const { PlaybookLoader } = await import('../playbook/load-playbook.js');
    const task: Record<string, unknown> = { name: `${flags.module}${flags.args ? ` ${flags.args}` : ''}`, [flags.module]: flags.args ?? null };
    const play = { name: `Ad hoc: ${flags.module} on ${args.pattern}`, hosts: args.pattern, gather_facts: flags.gather, tasks: [task] };
    const inline = new PlaybookLoader().fromData([play], join(process.cwd(), '(ad hoc)'));
    const code = await runPlaybook({
      playbooks: [],
      inline,
      inventory: this.inventorySources(flags.inventory),
      limit: flags.limit,
      extraVars: flags['extra-vars'] ?? [],
      json: flags.json,
      verbose: true,
      connection: flags.connection,
      forks: flags.forks ?? (configSetting(config, 'forks') as number | undefined) ?? 50,
      cliDefaults: cli.vars,
      cliSecrets: cli.secrets,
      check: flags.check,
      diff: flags.diff,
      tags: [],
      skipTags: [],
      color: flags.color,
      yes: flags.yes,
      log: (line) => this.log(line),
    });
    if (code !== EXIT.OK) this.exit(code);
  }
}
