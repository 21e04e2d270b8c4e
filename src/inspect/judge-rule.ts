// Judging one observed value against a check's rule: pure, so every rule kind is unit-tested.
import type { Rule, Severity, Status, Thresholds } from './check-contract.js';

/** A verdict and the sentence that explains it. */
export interface Verdict {
  status: Status;
  message: string;
}

function numberOf(value: string): number {
  const t = value.trim();
  return t === '' ? Number.NaN : Number(t);
}

function level(n: number, t: Thresholds, beyond: (n: number, limit: number) => boolean, word: string): Verdict {
  if (t.critical !== undefined && beyond(n, t.critical)) return { status: 'critical', message: `${n} is ${word} the critical level ${t.critical}` };
  if (t.warning !== undefined && beyond(n, t.warning)) return { status: 'warning', message: `${n} is ${word} the warning level ${t.warning}` };
  return { status: 'ok', message: `${n}` };
}

/** Thresholds of a max/min rule with the inventory's overrides on top. */
export function effectiveRule(rule: Rule, override: Thresholds): Rule {
  if (override.warning === undefined && override.critical === undefined) return rule;
  if (rule.max) return { ...rule, max: { ...rule.max, ...override } };
  if (rule.min) return { ...rule, min: { ...rule.min, ...override } };
  return rule;
}

/** Judge a host-scope value; `severity` is what match/equals failures are worth. */
export function judgeValue(rule: Rule, severity: Severity, value: string): Verdict {
  if (rule.max || rule.min) {
    const n = numberOf(value);
    if (Number.isNaN(n)) return { status: severity, message: `expected a number, got ${JSON.stringify(value.trim().slice(0, 200))}` };
    if (rule.max) {
      const v = level(n, rule.max, (x, lim) => x > lim, 'above');
      if (v.status !== 'ok' || !rule.min) return v;
    }
    return level(n, rule.min!, (x, lim) => x < lim, 'below');
  }
  if (rule.match !== undefined && !new RegExp(rule.match, 'm').test(value)) return { status: severity, message: `output does not match /${rule.match}/` };
  if (rule.notMatch !== undefined) {
    const m = new RegExp(rule.notMatch, 'm').exec(value);
    if (m) return { status: severity, message: `output matches /${rule.notMatch}/: ${JSON.stringify(m[0].slice(0, 200))}` };
  }
  if (rule.equals !== undefined && value.trim() !== rule.equals) return { status: severity, message: `expected ${JSON.stringify(rule.equals)}, got ${JSON.stringify(value.trim().slice(0, 200))}` };
  return { status: 'ok', message: value.trim().slice(0, 200) };
}

/** Judge values across the fleet: hosts outside the most common value fail when there are too many distinct values. */
export function judgeSpread(values: Map<string, string>, distinctMax: number, severity: Severity): Map<string, Verdict> {
  const counts = new Map<string, number>();
  for (const v of values.values()) counts.set(v, (counts.get(v) ?? 0) + 1);
  // most common first; ties broken by the value so the verdict is stable
  const common = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const out = new Map<string, Verdict>();
  for (const [host, v] of values) {
    if (counts.size > distinctMax && v !== common) out.set(host, { status: severity, message: `${v} differs from the fleet's most common ${common} (${counts.size} distinct values, at most ${distinctMax} allowed)` });
    else out.set(host, { status: 'ok', message: v });
  }
  return out;
}
