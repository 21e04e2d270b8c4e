// The YAML divergences Drover keeps on purpose, each with its reason. A divergence of the
// yaml area is allowed only if one rule below explains it; everything else is a bug.
import type { Outcome } from './case-types.js';
import { sameTyped, type Typed } from './typed-value.js';

/** Python's str() of a datetime from its isoformat(): a space instead of the T. */
const strOfIso = (iso: string): string => iso.replace(/^(\d{4}-\d\d-\d\d)T/, '$1 ');

/** One way Drover holds a value differently from Python (each is one reason, see HOLD_STEPS). */
export type HoldStep = 'float' | 'bigint' | 'date' | 'bytes' | 'keys';

/**
 * The steps, each one reason:
 * - float: 1.0 becomes 1. JavaScript has one number type, so a YAML 1.0 is the number 1 once
 *   read (inside the templar a whole float is boxed and stays a float; YAML data is not).
 * - bigint: an int beyond 2^53 becomes the nearest double (JS numbers; BigInt would reach every
 *   module, filter and JSON writer).
 * - date: date and datetime become their Python str() text ('2001-12-14', '2001-12-14 21:59:43+00:00'):
 *   Drover has no date type; the text is what a template prints, so rendered output agrees
 *   (d.year and date arithmetic do not exist in Drover).
 * - bytes: !!binary becomes the decoded text, what Ansible's templates print for it.
 * - keys: non-string mapping keys become strings as JSON writes them (1 -> '1', True -> 'true',
 *   None -> 'null'): Drover's mappings are JS objects, whose keys are strings.
 */
export const HOLD_STEPS: readonly HoldStep[] = ['float', 'bigint', 'date', 'bytes', 'keys'];

/** Ansible's value as Drover can hold it, applying the given steps (all by default). */
export function asDroverHoldsIt(x: Typed, steps: readonly HoldStep[] = HOLD_STEPS): Typed {
  const on = (s: HoldStep): boolean => steps.includes(s);
  switch (x.t) {
    case 'float':
      return on('float') && typeof x.v === 'number' && Number.isInteger(x.v) && !Object.is(x.v, -0) ? { t: 'int', v: x.v } : x;
    case 'int':
      return on('bigint') && typeof x.v === 'string' ? { t: 'int', v: Number(x.v) } : x;
    case 'date':
      return on('date') ? { t: 'str', v: x.v } : x;
    case 'datetime':
      return on('date') ? { t: 'str', v: strOfIso(String(x.v)) } : x;
    case 'bytes':
      return on('bytes') ? { t: 'str', v: x.v } : x;
    case 'list':
      return { t: 'list', v: (x.v as Typed[]).map((e) => asDroverHoldsIt(e, steps)) };
    case 'dict':
      return { t: 'dict', v: (x.v as [Typed, Typed][]).map(([k, v]) => [on('keys') ? keyAsString(asDroverHoldsIt(k, steps)) : asDroverHoldsIt(k, steps), asDroverHoldsIt(v, steps)]) };
    default:
      return x;
  }
}

/** Whether a divergence needs this step to be explained: equal with every step, not without this one. */
export function needsStep(step: HoldStep, ansible: Outcome, drover: Outcome): boolean {
  if (!('value' in ansible) || !('value' in drover)) return false;
  return sameTyped(asDroverHoldsIt(ansible.value), drover.value) && !sameTyped(asDroverHoldsIt(ansible.value, HOLD_STEPS.filter((s) => s !== step)), drover.value);
}

function keyAsString(k: Typed): Typed {
  if (k.t === 'str') return k;
  if (k.t === 'none') return { t: 'str', v: 'null' };
  return { t: 'str', v: String(k.v) };
}

/** Inputs Drover refuses (or reads otherwise) on purpose, with the reason. */
export const ALLOWED_YAML_INPUTS: Record<string, string> = {
  'v: !unsafe "{{ x }}"': 'Drover has no way to keep a value from being templated, so a !unsafe value holding {{ }} is refused with a hint ({% raw %}) instead of being templated silently',
  'v: !!set {a, b}': 'Drover has no set type; a list or dict would print differently, so !!set is refused',
  '1: int key\n2.5: float key\ntrue: bool key\nnull: null key\n~: tilde key': "in Python True == 1, so the key true overwrites the key 1; Drover's string keys '1' and 'true' stay apart",
};

/** Why a yaml-area divergence is allowed, or undefined when it is a bug. */
export function allowedYamlDivergence(input: string, ansible: Outcome, drover: Outcome): string | undefined {
  if (ALLOWED_YAML_INPUTS[input]) return ALLOWED_YAML_INPUTS[input];
  if ('value' in ansible && 'value' in drover && sameTyped(asDroverHoldsIt(ansible.value), drover.value)) return 'a type Drover cannot hold (see asDroverHoldsIt)';
  return undefined;
}
