// Finding the checks of an inspection: the built-in directory shipped with Drover, then each
// --checks directory; a later check with the same id replaces an earlier one (so a team can
// adapt a built-in), and --only/--skip pick by tag or id.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../cli/errors.js';
import { parseYaml } from '../playbook/yaml-source.js';
import type { CheckPlugin } from './check-contract.js';
import { moduleCheck } from './module-check.js';
import { yamlCheck } from './yaml-check.js';

/** The built-in checks: plugins in the same format, under playbooks/inspect/checks of the package. */
export const BUILTIN_CHECKS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'playbooks', 'inspect', 'checks');

const MODULE = /\.(m?js|ts)$/;

/** Every check file of one directory, in name order (no recursion). */
async function loadDir(dir: string): Promise<CheckPlugin[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`checks directory not found: ${dir}`, { field: '--checks' });
  const out: CheckPlugin[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    if (/\.ya?ml$/.test(name)) out.push(yamlCheck(parseYaml(readFileSync(file, 'utf8'), file), file));
    else if (MODULE.test(name) && !name.endsWith('.d.ts')) out.push(await moduleCheck(resolve(file)));
  }
  return out;
}

/** Built-ins (unless left out), then user dirs; same id later wins. */
export async function loadChecks(dirs: string[], options: { builtin?: boolean } = {}): Promise<CheckPlugin[]> {
  const byId = new Map<string, CheckPlugin>();
  for (const dir of [...(options.builtin === false ? [] : [BUILTIN_CHECKS_DIR]), ...dirs]) {
    const seen = new Map<string, string>();
    for (const check of await loadDir(dir)) {
      const twin = seen.get(check.id);
      if (twin) throw new InputError(`check id '${check.id}' is defined twice in ${dir} (also in ${twin})`, { file: check.source });
      seen.set(check.id, check.source);
      byId.set(check.id, check);
    }
  }
  return [...byId.values()];
}

/** Checks whose tags (or id) match --only (any of) and none of --skip. */
export function selectChecks(checks: CheckPlugin[], only: string[], skip: string[]): CheckPlugin[] {
  return checks.filter((c) => (only.length === 0 || only.some((t) => c.tags.includes(t))) && !skip.some((t) => c.tags.includes(t)));
}
