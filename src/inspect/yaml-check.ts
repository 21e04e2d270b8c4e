// A check written as YAML: a shell command, how to read its output, and the rule that judges it.
// Every field is validated with its file:line:col so a broken check stops the run before it starts.
import { InputError } from '../cli/errors.js';
import { keyLocation, locationOf } from '../playbook/yaml-source.js';
import { quote as shellQuote } from '../connections/shell-quote.js';
import type { CheckPlugin, HostContext, Observation, Rule, Severity, Thresholds } from './check-contract.js';

const KEYS = new Set(['id', 'description', 'tags', 'hosts', 'scope', 'severity', 'command', 'output', 'rule', 'remediation', 'params', 'timeout']);
const RULE_KEYS: Record<string, keyof Rule> = { max: 'max', min: 'min', match: 'match', not_match: 'notMatch', equals: 'equals', distinct_max: 'distinctMax' };
const OUTPUTS = ['number', 'text', 'items'] as const;

function fail(doc: unknown, key: string | undefined, file: string, message: string): never {
  const at = (key ? keyLocation(doc, key) : locationOf(doc)) ?? { file };
  throw new InputError(message, { ...at, file, field: key });
}

function str(doc: Record<string, unknown>, key: string, file: string, required = false): string | undefined {
  const v = doc[key];
  if (v === undefined || v === null) {
    if (required) fail(doc, undefined, file, `a check needs '${key}'`);
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number') fail(doc, key, file, `'${key}' must be a string`);
  return String(v);
}

function thresholds(parent: Record<string, unknown>, key: string, file: string): Thresholds {
  const t = parent[key];
  if (!t || typeof t !== 'object' || Array.isArray(t)) fail(parent, key, file, `'${key}' must be a mapping with warning and/or critical numbers`);
  const out: Thresholds = {};
  for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
    if (k !== 'warning' && k !== 'critical') fail(t, k, file, `unknown threshold '${k}' (warning, critical)`);
    if (typeof v !== 'number' && !(typeof v === 'object' && v instanceof Number)) fail(t, k, file, `threshold '${k}' must be a number`);
    out[k] = Number(v);
  }
  return out;
}

/** Validate a rule mapping (shared with module checks, where positions are absent). */
export function parseRule(raw: unknown, file: string, owner: unknown = raw): Rule {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(owner, 'rule', file, "'rule' must be a mapping (max, min, match, not_match, equals or distinct_max)");
  const r = raw as Record<string, unknown>;
  const rule: Rule = {};
  for (const k of Object.keys(r)) {
    const name = RULE_KEYS[k];
    if (!name) fail(r, k, file, `unknown rule '${k}' (${Object.keys(RULE_KEYS).join(', ')})`);
    if (name === 'max' || name === 'min') rule[name] = thresholds(r, k, file);
    else if (name === 'distinctMax') {
      if (typeof r[k] !== 'number') fail(r, k, file, "'distinct_max' must be a number");
      rule.distinctMax = r[k] as number;
    } else {
      if (typeof r[k] !== 'string') fail(r, k, file, `'${k}' must be a string`);
      if (name !== 'equals') {
        try {
          new RegExp(r[k] as string);
        } catch (err) {
          fail(r, k, file, `'${k}' is not a valid regex: ${(err as Error).message}`);
        }
      }
      rule[name] = r[k] as string;
    }
  }
  if (Object.keys(rule).length === 0) fail(owner, 'rule', file, "'rule' is empty");
  return rule;
}

/** Shell assignments that hand a check its params (names are identifiers, values quoted). */
export function paramPrefix(params: Record<string, string>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${shellQuote(v)}; `).join('');
}

/** Observations from a command's output: one value, or one per "ITEM VALUE" line. */
export function readOutput(kind: (typeof OUTPUTS)[number], stdout: string): Observation[] {
  if (kind !== 'items') return [{ value: stdout.trim() }];
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
    const cut = line.lastIndexOf(' ');
    return cut < 0 ? { item: line, value: '' } : { item: line.slice(0, cut).trim(), value: line.slice(cut + 1) };
  });
}

/** Turn a parsed YAML check document into a runnable check. */
export function yamlCheck(doc: unknown, file: string): CheckPlugin {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError('a check file is one YAML mapping (id, command, rule, ...)', { ...(locationOf(doc) ?? {}), file });
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!KEYS.has(k)) fail(d, k, file, `unknown check field '${k}' (${[...KEYS].join(', ')})`);
  const id = str(d, 'id', file, true)!;
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(id)) fail(d, 'id', file, `check id '${id}' must be lower-case letters, digits, '-', '_' or '.'`);
  const command = str(d, 'command', file, true)!;
  const severity = (str(d, 'severity', file) ?? 'critical') as Severity;
  if (severity !== 'critical' && severity !== 'warning') fail(d, 'severity', file, `severity must be critical or warning, not '${severity}'`);
  const scope = str(d, 'scope', file) ?? 'host';
  if (scope !== 'host' && scope !== 'fleet') fail(d, 'scope', file, `scope must be host or fleet, not '${scope}'`);
  const output = (str(d, 'output', file) ?? 'number') as (typeof OUTPUTS)[number];
  if (!OUTPUTS.includes(output)) fail(d, 'output', file, `output must be ${OUTPUTS.join(', ')}, not '${output}'`);
  if (d.rule === undefined) fail(d, undefined, file, "a check needs 'rule'");
  const rule = parseRule(d.rule, file, d);
  if (scope === 'fleet' && rule.distinctMax === undefined) fail(d, 'rule', file, 'a fleet check judges with distinct_max');
  const tags = d.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) fail(d, 'tags', file, "'tags' must be a list of strings");
  const params: Record<string, string> = {};
  if (d.params !== undefined) {
    if (!d.params || typeof d.params !== 'object' || Array.isArray(d.params)) fail(d, 'params', file, "'params' must be a mapping");
    for (const [k, v] of Object.entries(d.params as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(d.params, k, file, `param '${k}' must be a shell identifier`);
      if (v === null || typeof v === 'object') fail(d.params, k, file, `param '${k}' must be a scalar`);
      params[k] = String(v);
    }
  }
  const timeout = d.timeout ?? 30;
  if (typeof timeout !== 'number' || timeout <= 0) fail(d, 'timeout', file, "'timeout' must be a positive number of seconds");
  const check: CheckPlugin = {
    id,
    description: str(d, 'description', file) ?? id,
    tags: [...new Set([...(tags as string[]), id])],
    hosts: str(d, 'hosts', file) ?? 'all',
    scope,
    severity,
    remediation: str(d, 'remediation', file),
    rule,
    params,
    timeoutS: timeout,
    source: file,
    async run(ctx: HostContext): Promise<Observation[]> {
      const r = await ctx.exec(paramPrefix(ctx.params) + command, check.timeoutS * 1000);
      if (r.rc !== 0) return [{ value: '', status: severity, message: `command failed (rc ${r.rc}${r.timedOut ? ', timed out' : ''}): ${(r.stderr || r.stdout).trim().slice(0, 300)}` }];
      return readOutput(output, r.stdout);
    },
  };
  return check;
}
