// Flags shared by every command that acts on an inventory, and the one place that maps
// known errors to messages and exit codes.
import { Command, Flags } from '@oclif/core';
import { InputError, TemplateError } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { ClusterOptions } from '../cluster/deploy.js';
import { connectionDefaults, type ConnectionFlagValues } from './connection-flags.js';
import { configSetting, loadProjectConfig, type ProjectConfig } from './project-config.js';
import { isUsageError, usageErrorLines } from './usage-error.js';

/** The flags an inventory command may take; a command that reads only some offers only those (`pickBaseFlags`). */
const BASE_FLAGS = {
    inventory: Flags.string({
      char: 'i',
      multiple: true,
      // one value per -i/-e, so `drover play -i inv.yml site.yml` leaves site.yml an argument
      multipleNonGreedy: true,
      description: 'inventory file or directory (repeatable); a comma list "h1,h2," is a host list',
      helpGroup: 'INVENTORY',
    }),
    limit: Flags.string({ char: 'l', description: 'further limit hosts to this pattern', helpGroup: 'INVENTORY' }),
    'extra-vars': Flags.string({
      char: 'e',
      multiple: true,
      multipleNonGreedy: true,
      description: 'extra vars: k=v pairs, YAML/JSON, or @file.yml (highest precedence)',
      helpGroup: 'VARIABLES',
    }),
    json: Flags.boolean({ description: 'one JSON event per line, then a summary', default: false }),
    verbose: Flags.boolean({ char: 'v', description: 'show task results in full', default: false }),
};

/**
 * The base flags a command actually reads. A command built on `LeanCommand` declares them with
 * this, so oclif refuses the others (exit 5) instead of accepting them and doing nothing.
 */
export function pickBaseFlags<K extends keyof typeof BASE_FLAGS>(...names: K[]): Pick<typeof BASE_FLAGS, K> {
  return Object.fromEntries(names.map((n) => [n, BASE_FLAGS[n]])) as Pick<typeof BASE_FLAGS, K>;
}

/** Error mapping, exit codes and the project config, without any flag: for commands that read few base flags. */
export abstract class LeanCommand extends Command {
  private loadedConfig?: ProjectConfig;

  /** drover.yml or ansible.cfg (see project-config.ts), read once per command. */
  protected projectConfig(): ProjectConfig {
    return (this.loadedConfig ??= loadProjectConfig());
  }

  /** Inventory sources: -i, else $DROVER_INVENTORY/$ANSIBLE_INVENTORY, else the config file's `inventory`. */
  protected inventorySources(flag: string[] | undefined): string[] {
    return flag ?? (configSetting(this.projectConfig(), 'inventory') as string[] | undefined) ?? [];
  }

  /** Print a known error the way a user can act on it, and exit with its code. */
  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<any> {
    if (err instanceof InputError) {
      this.logToStderr(`ERROR! ${err.format()}`);
      this.exit(EXIT.INVALID_INPUT);
    }
    if (err instanceof TemplateError) {
      this.logToStderr(`ERROR! ${err.message}`);
      this.exit(EXIT.INVALID_INPUT);
    }
    // oclif's own flag and argument parsing errors are invalid input too: short, and exit 5
    if (isUsageError(err, this.parsed)) {
      this.logToStderr(usageErrorLines(err, this.config.bin, this.id));
      this.exit(EXIT.INVALID_INPUT);
    }
    return super.catch(err);
  }
}

/** Every base flag: the commands that read them all (play, the cluster and etcd commands). */
export abstract class BaseCommand extends LeanCommand {
  static override baseFlags = BASE_FLAGS;

  /**
   * The options every `drover cluster` command shares, from its flags. `-l` is refused where the
   * command acts on the whole cluster (`limit: false`), never accepted and ignored.
   */
  protected async clusterOptions(
    flags: { inventory?: string[]; limit?: string; 'extra-vars'?: string[]; json: boolean; verbose: boolean; 'pki-dir'?: string; forks?: number } & Partial<ConnectionFlagValues>,
    { limit, connection = true }: { limit: boolean; connection?: boolean },
  ): Promise<ClusterOptions> {
    if (!limit && flags.limit !== undefined) throw new InputError(`${this.id ?? 'this command'} acts on the whole cluster; -l/--limit is not supported here`, { field: 'limit' });
    const cli = connection ? await connectionDefaults(flags as ConnectionFlagValues, this.projectConfig()) : undefined;
    return {
      inventory: this.inventorySources(flags.inventory),
      ...(limit ? { limit: flags.limit } : {}),
      extraVars: flags['extra-vars'] ?? [],
      json: flags.json,
      verbose: flags.verbose,
      check: false,
      diff: false,
      forks: flags.forks ?? (configSetting(this.projectConfig(), 'forks') as number | undefined) ?? 50,
      pkiDir: flags['pki-dir'],
      ...(cli ? { cliDefaults: cli.vars, cliSecrets: cli.secrets } : {}),
      log: (line) => this.log(line),
      logError: (line) => this.logToStderr(line),
    };
  }
}
