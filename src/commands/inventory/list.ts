// drover inventory list: the hosts a pattern selects.
import { Args } from '@oclif/core';
import { LeanCommand, pickBaseFlags } from '../../cli/base-command.js';

export default class InventoryList extends LeanCommand {
  // only the base flags this command reads; the others are refused, not ignored
  static override baseFlags = pickBaseFlags('inventory', 'limit', 'json');

  static override summary = 'List the hosts matching a pattern (default all)';
  static override examples = ['<%= config.bin %> inventory list -i inventory/example.yml', "<%= config.bin %> inventory list 'web:&prod' -i inv/ --json"];
  static override args = { pattern: Args.string({ description: 'host pattern', default: 'all' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(InventoryList);
    const { loadInventory } = await import('../../inventory/load-inventory.js');
    const { inventoryListJson } = await import('../../inventory/inventory-views.js');
    const inv = await loadInventory(this.inventorySources(flags.inventory));
    if (flags.json) {
      this.log(JSON.stringify(args.pattern === 'all' && !flags.limit ? inventoryListJson(inv) : { hosts: inv.select(args.pattern, flags.limit) }, null, 2));
      return;
    }
    for (const h of inv.select(args.pattern, flags.limit)) this.log(h);
  }
}
