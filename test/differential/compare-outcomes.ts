// Decides whether two outcomes of a case are the same, and tallies them per area.
import type { Case, Outcome } from './case-types.js';
import { sameTyped, showTyped } from './typed-value.js';

/**
 * Why a case diverged: one side failed, the types differ, or same type with another value.
 * `number-vs-str` is the one type difference worth its own count: Ansible 2.14 (jinja2_native
 * off) returns '3' where Drover returns 3, with the same text.
 */
export type DivergenceKind = 'error-vs-value' | 'value-vs-error' | 'number-vs-str' | 'type' | 'value';

/** undefined when equal (both errors count as equal: the case asserts that both fail). */
export function divergence(ansible: Outcome, other: Outcome): DivergenceKind | undefined {
  if ('error' in ansible) return 'error' in other ? undefined : 'error-vs-value';
  if ('error' in other) return 'value-vs-error';
  if (sameTyped(ansible.value, other.value)) return undefined;
  if (ansible.value.t === 'str' && (other.value.t === 'int' || other.value.t === 'float') && showTyped(other.value) === ansible.value.v) return 'number-vs-str';
  return ansible.value.t === other.value.t ? 'value' : 'type';
}

/** A result rendered for the report: the value with its Python type, or the error. */
export function showOutcome(o: Outcome): string {
  if ('error' in o) return `ERROR ${o.error.class}: ${o.error.message.split('\n')[0]!.slice(0, 300)}`;
  return `${showTyped(o.value)} (${o.value.t})`;
}

/** One divergent case as it appears in the report. */
export interface Divergence {
  id: string;
  area: string;
  mode: string;
  input: string;
  kind: DivergenceKind;
  ansible: string;
  other: string;
}

/** Per-area counts. */
export interface AreaTally {
  cases: number;
  equal: number;
  divergent: number;
  bothError: number;
  kinds: Partial<Record<DivergenceKind, number>>;
}

/** Compare every case; returns per-area tallies and every divergence, in corpus order. */
export function compareAll(cases: Case[], ansible: Outcome[], other: (Outcome | undefined)[]): { areas: Record<string, AreaTally>; divergences: Divergence[] } {
  const areas: Record<string, AreaTally> = {};
  const divergences: Divergence[] = [];
  cases.forEach((c, i) => {
    const o = other[i];
    if (!o) return;
    const a = (areas[c.area] ??= { cases: 0, equal: 0, divergent: 0, bothError: 0, kinds: {} });
    a.cases++;
    const kind = divergence(ansible[i]!, o);
    if (!kind) {
      a.equal++;
      if ('error' in o) a.bothError++;
      return;
    }
    a.divergent++;
    a.kinds[kind] = (a.kinds[kind] ?? 0) + 1;
    divergences.push({ id: c.id, area: c.area, mode: c.mode, input: c.input, kind, ansible: showOutcome(ansible[i]!), other: showOutcome(o) });
  });
  return { areas, divergences };
}
