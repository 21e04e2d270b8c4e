// -e/--extra-vars: `k=v k2=v2`, inline YAML/JSON (`{"a": 1}`), or `@file.yml`. Later -e win.
import { resolve } from 'node:path';
import { InputError } from './errors.js';
import { parseKeyValues } from '../playbook/kv-args.js';
import { parseYaml, readYamlFile } from '../playbook/yaml-source.js';

/** Merge every -e value into one mapping, in the order given. */
export function parseExtraVars(values: readonly string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const raw of values ?? []) {
    const v = raw.trim();
    let data: unknown;
    if (v.startsWith('@')) {
      const file = resolve(v.slice(1));
      data = readYamlFile(file, { file: '-e' });
      if (data === null) continue;
    } else if (v.startsWith('{') || v.startsWith('[')) {
      data = parseYaml(v, '-e');
    } else {
      const parsed = parseKeyValues(v);
      if (parsed.bad !== undefined) throw new InputError(`-e expects k=v, YAML/JSON or @file, got '${parsed.bad}'`, { file: '-e', field: 'extra-vars' });
      data = parsed.args;
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InputError(`-e ${raw}: extra vars must be a mapping`, { file: '-e', field: 'extra-vars' });
    Object.assign(out, data);
  }
  return out;
}
