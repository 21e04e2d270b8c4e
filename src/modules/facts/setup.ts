// setup and gather_facts as task modules: the same one-round-trip fact set the play's fact
// gathering uses, narrowed by gather_subset and filter, returned in Ansible's shape
// (ansible_-prefixed names under ansible_facts) and stored as the host's gathered facts.
import { gatherFacts } from '../../executor/facts.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../types.js';
import { filterFacts } from './fact-filter.js';
import { BadSubsetError, factsOfCollectors, selectCollectors } from './gather-subset.js';

async function runSetup(ctx: ModuleContext): Promise<ModuleResult> {
  const subset = (ctx.args.gather_subset as string[] | undefined) ?? ['all'];
  let collectors: Set<string>;
  try {
    collectors = selectCollectors(subset);
  } catch (err) {
    if (err instanceof BadSubsetError) return { changed: false, failed: true, msg: err.message };
    throw err;
  }
  const timeoutMs = Number(ctx.args.gather_timeout ?? 10) * 1000;
  const { rc, facts, stderr } = await gatherFacts(ctx.conn, { become: ctx.become, timeoutMs, signal: ctx.signal });
  if (rc !== 0) return { changed: false, failed: true, rc, msg: `fact gathering failed (rc=${rc}): ${stderr.trim()}` };
  const prefixed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(factsOfCollectors(facts, collectors))) prefixed[`ansible_${k}`] = v;
  prefixed.gather_subset = subset;
  prefixed.module_setup = true;
  return { changed: false, ansible_facts: filterFacts(prefixed, (ctx.args.filter as string[] | undefined) ?? []) };
}

const factArgs = {
  gather_subset: { type: 'list', default: ['all'] },
  gather_timeout: { type: 'int', default: 10 },
  filter: { type: 'list', default: [] },
} as const;

/** Ansible's setup module over Drover's fact set. */
export const setupModule: ModuleDef = {
  name: 'setup',
  supportsCheck: true,
  gathersFacts: true,
  args: { ...factArgs },
  run: runSetup,
};

/** gather_facts as a task: runs setup, as Ansible's gather_facts action does. */
export const gatherFactsModule: ModuleDef = {
  name: 'gather_facts',
  supportsCheck: true,
  gathersFacts: true,
  args: { ...factArgs, parallel: { type: 'bool' } },
  run: runSetup,
};
