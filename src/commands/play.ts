// drover play: run Ansible-style playbooks.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { connectionFlags, connectionDefaults } from '../cli/connection-flags.js';
import { InputError } from '../cli/errors.js';
import { configSetting } from '../cli/project-config.js';
import { EXIT, EXIT_CODE_HELP } from '../cli/exit-codes.js';

export default class Play extends BaseCommand {
  static override summary = 'Run a playbook against an inventory';
  static override description = `Runs the plays of PLAYBOOK in order, like ansible-playbook. Output is a live view on a
terminal, Ansible-style lines otherwise, or JSON events with --json.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> play playbooks/examples/site.yml -c local',
    '<%= config.bin %> play deploy.yml -i inventory/prod.yml -l web --check --diff',
    '<%= config.bin %> play upgrade.yml -i inv.yml -e target_version=1.6.0 --json',
  ];

  static override args = {
    playbook: Args.string({ description: 'playbook file(s)', required: true }),
  };

  static override strict = false;

  static override flags = {
    ...connectionFlags,
    connection: Flags.string({ char: 'c', description: 'connection type when the inventory sets none (local, ssh, kubernetes)' }),
    forks: Flags.integer({ char: 'f', description: 'hosts worked on at once [default: 50, or forks in the config file]', min: 1 }),
    check: Flags.boolean({ char: 'C', description: 'predict changes without making them', default: false }),
    diff: Flags.boolean({ char: 'D', description: 'show before/after for changed files', default: false }),
    tags: Flags.string({ char: 't', description: 'only run tasks with these tags (comma list)', multiple: true, multipleNonGreedy: true }),
    'skip-tags': Flags.string({ description: 'skip tasks with these tags (comma list)', multiple: true, multipleNonGreedy: true }),
    'start-at-task': Flags.string({ description: 'start at the first task whose name matches (glob)' }),
    'list-hosts': Flags.boolean({ description: 'list the hosts each play would run on, then exit', default: false }),
    'list-tasks': Flags.boolean({ description: 'list the tasks each play would run, then exit', default: false }),
    'syntax-check': Flags.boolean({ description: 'validate the playbook and inventory, then exit', default: false }),
    step: Flags.boolean({ description: 'ask before each task: (N)o/(y)es/(c)ontinue (needs a terminal)', default: false }),
    'retry-file': Flags.boolean({ description: 'write failed/unreachable hosts to NAME.retry beside the playbook (or in $DROVER_RETRY_FILES_SAVE_PATH), for -l @NAME.retry', default: false }),
    'retry-file-path': Flags.string({ description: 'write the retry file here instead (implies --retry-file)', helpValue: 'PATH' }),
    color: Flags.boolean({ description: 'colour output (default: on a terminal, unless NO_COLOR)', allowNo: true }),
    yes: Flags.boolean({ description: 'answer every pause prompt with its default (or empty) instead of asking', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Play);
    if (flags.step && !process.stdin.isTTY) throw new InputError('--step asks before each task and needs a terminal (stdin is not one)', { field: 'step' });
    const config = this.projectConfig();
    const cli = await connectionDefaults(flags, config);
    // the engine loads only when a command runs, so --help and --version stay fast
    const { runPlaybook } = await import('../executor/run-playbook.js');
    const code = await runPlaybook({
      playbooks: argv as string[],
      inventory: this.inventorySources(flags.inventory),
      limit: flags.limit,
      extraVars: flags['extra-vars'] ?? [],
      json: flags.json,
      verbose: flags.verbose,
      connection: flags.connection,
      forks: flags.forks ?? (configSetting(config, 'forks') as number | undefined) ?? 50,
      cliDefaults: cli.vars,
      cliSecrets: cli.secrets,
      rolesPath: configSetting(config, 'roles_path') as string[] | undefined,
      step: flags.step,
      check: flags.check,
      diff: flags.diff,
      tags: (flags.tags ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean),
      skipTags: (flags['skip-tags'] ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean),
      startAtTask: flags['start-at-task'],
      listHosts: flags['list-hosts'],
      listTasks: flags['list-tasks'],
      syntaxCheck: flags['syntax-check'],
      retryFile: flags['retry-file-path'] ?? (flags['retry-file'] || undefined),
      color: flags.color,
      yes: flags.yes,
      log: (line) => this.log(line),
    });
    if (code !== EXIT.OK) this.exit(code);
  }
}
