// The whole differential corpus as `npm run differential` and the allow-list test run it: the
// case files under corpus/ plus the seeded generated cases (with the shared vars).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Case } from './case-types.js';
import { generateCases } from './generate-cases.js';
import { loadCorpus } from './load-corpus.js';

/** Where the case files live. */
export const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

/** The generator's defaults; the allow-list is held against these. */
export const DEFAULT_SEED = 9;
export const DEFAULT_GENERATED = 1200;

/** Every case, in corpus order, then the generated ones. */
export function allCases(seed = DEFAULT_SEED, generated = DEFAULT_GENERATED): Case[] {
  const shared = parse(readFileSync(join(CORPUS, '_vars.yml'), 'utf8')) as Record<string, unknown>;
  return [...loadCorpus(CORPUS), ...generateCases(seed, generated).map((c) => ({ ...c, vars: shared }))];
}
