// Every lookup Drover runs, by name: `lookup('x')`, `query('x')` and `with_x:` all come here.
import { config } from './config.js';
import { dict } from './dict.js';
import { env } from './env.js';
import { file } from './file.js';
import { fileglob } from './fileglob.js';
import { firstFound } from './first-found.js';
import { flattened } from './flattened.js';
import { indexedItems } from './indexed-items.js';
import { ini } from './ini.js';
import { items } from './items.js';
import { list } from './list.js';
import { nested } from './nested.js';
import { password } from './password.js';
import { lines, pipe } from './pipe.js';
import { randomChoice } from './random-choice.js';
import { sequence } from './sequence.js';
import { subelements } from './subelements.js';
import { template } from './template.js';
import { together } from './together.js';
import type { LookupRun } from './types.js';
import { url } from './url.js';
import { vars } from './vars.js';

/** The lookups Drover runs (url is here only to be refused with a reason). */
export const LOOKUPS: Readonly<Record<string, LookupRun>> = {
  config, dict, env, file, fileglob, first_found: firstFound, flattened, indexed_items: indexedItems, ini, items, lines, list,
  nested, password, pipe, random_choice: randomChoice, sequence, subelements, template, together, url, vars,
};

/** Lookups that refuse to run: no `with_` form of them loads. */
const REFUSED = new Set(['url']);

/** Names usable as `with_<name>` (every lookup that runs). */
export const LOOP_LOOKUPS: readonly string[] = Object.keys(LOOKUPS).filter((n) => !REFUSED.has(n));

/** The plugin of a name, without Ansible's collection prefix (ansible.builtin.file, community.general.flattened). */
export function findLookup(name: string): LookupRun | undefined {
  const short = name.replace(/^(?:ansible\.(?:builtin|legacy)|community\.general)\./, '');
  return Object.prototype.hasOwnProperty.call(LOOKUPS, short) ? LOOKUPS[short] : undefined;
}
