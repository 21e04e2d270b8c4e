// Reads the case files under corpus/ (YAML, grouped by area) into a flat list of cases.
// A file may hold `exprs` (each wrapped in {{ }}), `templates` (raw), `conds` (a when:),
// `yaml` (documents), `matrix` (a template crossed with value lists) and explicit `cases`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Case, Mode } from './case-types.js';
import { usesOnlyJinja } from './jinja-builtins.js';

interface CaseSpec {
  input: string;
  modes?: Mode[];
  vars?: Record<string, unknown>;
}

interface CorpusFile {
  area: string;
  modes?: Mode[];
  vars?: Record<string, unknown>;
  exprs?: string[];
  templates?: (string | CaseSpec)[];
  conds?: string[];
  yaml?: string[];
  matrix?: { input: string; each: Record<string, string[]>; modes?: Mode[] }[];
  cases?: CaseSpec[];
}

function expand(template: string, each: Record<string, string[]>): string[] {
  let out = [template];
  for (const [name, values] of Object.entries(each)) out = out.flatMap((t) => values.map((v) => t.split(`@${name}@`).join(v)));
  return out;
}

/** Every case of every corpus file in dir (files starting with `_` hold shared vars). */
export function loadCorpus(dir: string): Case[] {
  const shared = parse(readFileSync(join(dir, '_vars.yml'), 'utf8')) as Record<string, unknown>;
  const cases: Case[] = [];
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('_')).sort()) {
    const file = parse(readFileSync(join(dir, name), 'utf8')) as CorpusFile;
    const area = file.area;
    const exprModes = file.modes ?? (['value', 'text'] as Mode[]);
    let n = 0;
    const add = (input: string, modes: Mode[], vars?: Record<string, unknown>): void => {
      const merged = { ...shared, ...file.vars, ...vars };
      for (const mode of modes) cases.push({ id: `${area}#${++n}`, area, mode, input, vars: mode === 'yaml' ? undefined : merged, builtin: mode !== 'yaml' && usesOnlyJinja(input) });
    };
    for (const e of file.exprs ?? []) add(`{{ ${e} }}`, exprModes);
    for (const t of file.templates ?? []) {
      if (typeof t === 'string') add(t, ['text']);
      else add(t.input, t.modes ?? ['text'], t.vars);
    }
    for (const c of file.conds ?? []) add(c, ['cond']);
    for (const y of file.yaml ?? []) add(y, ['yaml']);
    for (const m of file.matrix ?? []) for (const input of expand(m.input, m.each)) add(input, m.modes ?? exprModes);
    for (const c of file.cases ?? []) add(c.input, c.modes ?? exprModes, c.vars);
  }
  return cases;
}
