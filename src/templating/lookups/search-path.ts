// Where lookups find controller files: Ansible's find_file_in_search_path over the role, then
// the playbook directory, each with the lookup's subdirectory (files, templates, vars) first.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** The base directories of the current task: role path, playbook dir, else the working directory. */
export function searchBases(vars: Record<string, unknown>): string[] {
  const given = vars.ansible_search_path;
  if (Array.isArray(given) && given.length) return given.map(String);
  const bases: string[] = [];
  if (typeof vars.role_path === 'string') bases.push(vars.role_path);
  if (typeof vars.playbook_dir === 'string') bases.push(vars.playbook_dir);
  if (!bases.length) bases.push(process.cwd());
  return bases;
}

/** The first existing `<base>/<subdir>/<needle>` or `<base>/<needle>`; undefined when none exists. */
export function findInSearchPath(vars: Record<string, unknown>, subdir: string, needle: string): string | undefined {
  if (isAbsolute(needle)) return existsSync(needle) ? needle : undefined;
  for (const base of searchBases(vars)) {
    for (const p of [join(base, subdir, needle), join(base, needle)]) if (existsSync(p)) return resolve(p);
  }
  return undefined;
}

/** The directory relative paths are resolved against (Ansible's loader basedir: the playbook dir). */
export function baseDir(vars: Record<string, unknown>): string {
  return typeof vars.playbook_dir === 'string' ? vars.playbook_dir : process.cwd();
}
