// Ansible's `random` and `shuffle` filters (plugins/filter/core.py rand, randomize_list): with a
// seed they are Python's random.Random(seed), so the same seed picks the same number or order
// as Ansible (`59 | random(seed=inventory_hostname)` for a per-host cron minute).
import { TemplateError } from '../cli/errors.js';
import { isPyFloat, isPyNumber, numberOf } from './python-float.js';
import { pyRandrange, pyShuffle, pythonRandom } from './python-random.js';
import { truthy } from './filters.js';

type Fn = (...args: any[]) => unknown;

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof String) && !(v instanceof Number);
}

/** An int argument of randrange (start/step), as Python's operator.index takes it. */
function intArgument(v: unknown, what: string): number {
  const n = numberOf(v);
  if (n === undefined || !Number.isInteger(n)) throw new TemplateError(`non-integer ${what} for randrange()`);
  return n;
}

/** `end | random(start, step, seed)`: a number below end, or one item of a sequence. */
function random(end: unknown, start?: unknown, step?: unknown, seed?: unknown): unknown {
  const rng = pythonRandom(seed);
  if (typeof end === 'boolean' || (isPyNumber(end) && !isPyFloat(end))) {
    const from = truthy(start) ? intArgument(start, 'arg 1') : 0;
    const by = truthy(step) ? intArgument(step, 'step') : 1;
    return pyRandrange(rng, from, Number(end), by);
  }
  const iterable = typeof end === 'string' || end instanceof String || Array.isArray(end) || isDict(end);
  if (!iterable) throw new TemplateError('random can only be used on sequences and integers');
  if (truthy(start) || truthy(step)) throw new TemplateError('start and step can only be used with integer values');
  const seq = typeof end === 'string' || end instanceof String ? [...String(end)] : Array.isArray(end) ? end : Object.keys(end);
  if (!seq.length) throw new TemplateError('Cannot choose from an empty sequence');
  const i = rng.randbelow(seq.length);
  // random.choice indexes the container: a dict has no key 0, 1, ... (its keys are strings here)
  if (isDict(end)) throw new TemplateError(`KeyError: ${i}`);
  return seq[i];
}

/** `list | shuffle(seed)`: list() of the value in a new order; what list() refuses comes back as it was. */
function shuffle(value: unknown, seed?: unknown): unknown {
  let list: unknown[];
  if (typeof value === 'string' || value instanceof String) list = [...String(value)];
  else if (Array.isArray(value)) list = [...value];
  else if (isDict(value)) list = Object.keys(value);
  else return value;
  // Ansible: `if seed:` uses Random(seed), else the module's generator; a seed Random() refuses leaves the list as it is
  if (!truthy(seed)) return pyShuffle(list, pythonRandom(null));
  try {
    return pyShuffle(list, pythonRandom(seed));
  } catch {
    return list;
  }
}

/** The filters, by name. */
export const RANDOM_FILTERS: Record<string, Fn> = { random, shuffle };

/** Their keyword parameters after the value, in Ansible's order. */
export const RANDOM_FILTER_PARAMS: Record<string, string[]> = { random: ['start', 'step', 'seed'], shuffle: ['seed'] };
