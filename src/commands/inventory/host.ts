// drover inventory host NAME: merged variables of one host, secrets masked.
import { Args } from '@oclif/core';
import { stringify } from 'yaml';
import { LeanCommand, pickBaseFlags } from '../../cli/base-command.js';
import { EXIT } from '../../cli/exit-codes.js';

export default class InventoryHost extends LeanCommand {
  // only the base flags this command reads; the others are refused, not ignored
  static override baseFlags = pickBaseFlags('inventory', 'json');

  static override summary = "Show a host's merged variables (secrets masked)";
  static override examples = ['<%= config.bin %> inventory host web01 -i inventory/example.yml', '<%= config.bin %> inventory host web01 -i inventory/ --json'];
  static override args = { name: Args.string({ description: 'inventory host name', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(InventoryHost);
    const { loadInventory } = await import('../../inventory/load-inventory.js');
    const { hostView } = await import('../../inventory/inventory-views.js');
    const inv = await loadInventory(this.inventorySources(flags.inventory));
    const vars = hostView(inv, args.name);
    if (!vars) {
      this.logToStderr(`ERROR! no host named '${args.name}' in the inventory`);
      this.exit(EXIT.NO_HOSTS);
    }
    this.log(flags.json ? JSON.stringify(vars, null, 2) : stringify(vars).trimEnd());
  }
}
