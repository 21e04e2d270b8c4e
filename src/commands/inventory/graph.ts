// drover inventory graph: the group tree.
import { Args } from '@oclif/core';
import { LeanCommand, pickBaseFlags } from '../../cli/base-command.js';
import { EXIT } from '../../cli/exit-codes.js';

export default class InventoryGraph extends LeanCommand {
  // only the base flags this command reads; the others are refused, not ignored
  static override baseFlags = pickBaseFlags('inventory');

  static override summary = 'Show groups and hosts as a tree';
  static override examples = ['<%= config.bin %> inventory graph -i inventory/example.yml', '<%= config.bin %> inventory graph etcd -i inventory/example.ini'];
  static override args = { group: Args.string({ description: 'group at the root of the tree', default: 'all' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(InventoryGraph);
    const { loadInventory } = await import('../../inventory/load-inventory.js');
    const { inventoryGraph } = await import('../../inventory/inventory-views.js');
    const inv = await loadInventory(this.inventorySources(flags.inventory));
    if (!inv.groups.has(args.group)) {
      this.logToStderr(`ERROR! no group named '${args.group}'`);
      this.exit(EXIT.INVALID_INPUT);
    }
    for (const line of inventoryGraph(inv, args.group)) this.log(line);
  }
}
