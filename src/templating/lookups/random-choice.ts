// random_choice: one of the terms at random.
import { randomInt } from 'node:crypto';
import type { LookupRun } from './types.js';

/** An empty list stays empty. */
export const randomChoice: LookupRun = (terms) => (terms.length ? [terms[randomInt(terms.length)]] : terms);
