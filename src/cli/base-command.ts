// Flags shared by every command that acts on an inventory, and the one place that maps
// known errors to messages and exit codes.
import { Command, Flags } from '@oclif/core';
import { InputError, TemplateError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { configSetting, loadProjectConfig, type ProjectConfig } from './project-config.js';
import { isUsageError, usageErrorLines } from './usage-error.js';

export abstract class BaseCommand extends Command {
  static override baseFlags = {
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
