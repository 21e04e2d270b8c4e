// A check written as a JS/TS module: the same fields as a YAML check, with run(ctx) in place of
// a command, for checks that need more than one command or an API.
import { pathToFileURL } from 'node:url';
import { InputError } from '../cli/errors.js';
import type { CheckPlugin, ClusterContext, HostContext, Observation, Severity } from './check-contract.js';
import { parseRule } from './yaml-check.js';

/** Import a .ts file: only where tsx is installed (development); .js/.mjs modules need nothing. */
async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (!file.endsWith('.ts')) return import(url) as Promise<Record<string, unknown>>;
  let tsImport: (spec: string, parent: string) => Promise<Record<string, unknown>>;
  try {
    ({ tsImport } = (await import('tsx/esm/api' as string)) as { tsImport: typeof tsImport });
  } catch {
    throw new InputError('a TypeScript check needs tsx installed beside drover (npm i tsx); or compile it to .mjs', { file });
  }
  return tsImport(url, import.meta.url);
}

/** Load and validate a module check; errors name the file. */
export async function moduleCheck(file: string): Promise<CheckPlugin> {
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`could not load check module: ${(err as Error).message.split('\n')[0]}`, { file });
  }
  let d = (mod.default ?? mod) as Record<string, unknown>;
  // a .ts file tsx compiles as CommonJS arrives as { default: { default: check } }
  if (d && typeof d === 'object' && !('id' in d) && d.default && typeof d.default === 'object') d = d.default as Record<string, unknown>;
  const bad = (m: string): never => {
    throw new InputError(m, { file });
  };
  if (typeof d.id !== 'string' || !/^[a-z0-9][a-z0-9_.-]*$/.test(d.id)) bad('a check module exports default { id, rule, run(ctx), ... } with a lower-case id');
  if (typeof d.run !== 'function') bad(`check '${String(d.id)}' has no run(ctx) function`);
  const severity = (d.severity ?? 'critical') as Severity;
  if (severity !== 'critical' && severity !== 'warning') bad(`severity must be critical or warning, not '${String(severity)}'`);
  const tags = (d.tags ?? []) as unknown[];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) bad("'tags' must be a list of strings");
  const run = d.run as (ctx: HostContext | ClusterContext) => Promise<Observation[]>;
  const scope = d.scope ?? 'host';
  if (scope !== 'host' && scope !== 'cluster') bad(`a module check's scope is host or cluster, not '${String(scope)}'`);
  return {
    id: d.id as string,
    description: typeof d.description === 'string' ? d.description : (d.id as string),
    tags: [...new Set([...(tags as string[]), d.id as string])],
    hosts: typeof d.hosts === 'string' ? d.hosts : 'all',
    scope: scope as 'host' | 'cluster',
    severity,
    remediation: typeof d.remediation === 'string' ? d.remediation : undefined,
    rule: parseRule(d.rule ?? { max: {} }, file),
    params: Object.fromEntries(Object.entries((d.params ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
    timeoutS: typeof d.timeout === 'number' ? d.timeout : 30,
    source: file,
    run: (ctx) => run(ctx),
    runCluster: scope === 'cluster' ? (ctx) => run(ctx) : undefined,
  };
}
