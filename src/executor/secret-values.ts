// Values that must never reach output: those of vars whose names say they are secrets.
// The set grows during a run (a templated secret joins it when first rendered, set_fact and
// register add theirs), and reporters replace every occurrence of its values.
import type { Inventory } from '../inventory/types.js';

/**
 * Variable names that hold secrets: `password`, `passwd`, `passphrase`, `secret`, `token`,
 * `api_key`/`apikey`, `private_key`, `credential` anywhere in the name, or `pass` as a whole
 * `_`/`-` separated word or at the end (`ansible_become_pass`, `rootpass`); names ending in
 * `_file`, `_path` or `_dir` (where a secret lives, like `private_key_file`) are not secret.
 */
export const SECRET_NAME = /^(?!.*[_-](?:files?|paths?|dirs?)$).*(?:password|passwd|passphrase|secret|token|api_?key|private_?key|credential|(?:^|[_-])pass(?:[_-]|$)|pass$)/i;

const nameCache = new Map<string, boolean>();

/** Whether a variable (or key) of this name holds a secret (asked for every variable a template reads, so cached). */
export function isSecretName(name: string): boolean {
  let secret = nameCache.get(name);
  if (secret === undefined) {
    secret = SECRET_NAME.test(name);
    if (nameCache.size < 10_000) nameCache.set(name, secret);
  }
  return secret;
}

/** Plain data (YAML/JSON mappings), not class instances such as a template's undefined value. */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Keys of a module result that are bookkeeping, not data a secret-named register holds. */
const RESULT_BOOKKEEPING = new Set(['changed', 'failed', 'skipped', 'unreachable', 'rc', 'start', 'end', 'delta', 'cmd', 'msg', 'attempts', 'ansible_loop_var', 'skip_reason', 'skipped_reason', 'false_condition', 'failed_when_result', 'status', 'url', 'invocation', 'elapsed', 'censored']);

const MIN_LENGTH = 3;
/** Flag words (`-e use_password=yes` is a string): masking them would hide every "yes" and "true" in the output. */
const FLAG_WORDS = new Set(['yes', 'no', 'true', 'false', 'on', 'off', 'none', 'null']);

/** The secret values seen so far in a run, longest first (so a longer one is masked whole). */
export class SecretValues {
  private readonly seen = new Set<string>();
  /** Longest first; read by the maskers, grown in place. */
  readonly values: string[] = [];

  /**
   * Every string or number leaf of `value` is a secret (a dict or list under a secret name);
   * of a registered module result, its data (stdout, content, facts...), not its bookkeeping.
   */
  add(value: unknown, depth = 0): void {
    if (depth > 8 || value === null || value === undefined || typeof value === 'boolean') return;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return this.addText(String(value));
    if (Array.isArray(value)) for (const v of value) this.add(v, depth + 1);
    else if (typeof value === 'object' && isPlainObject(value)) {
      const result = typeof (value as { changed?: unknown }).changed === 'boolean';
      for (const [k, v] of Object.entries(value)) if (!result || !RESULT_BOOKKEEPING.has(k)) this.add(v, depth + 1);
    }
  }

  /** Add the values under secret-named keys anywhere inside `vars`. */
  addVars(vars: unknown, depth = 0): void {
    if (depth > 8 || !vars || typeof vars !== 'object') return;
    if (Array.isArray(vars)) for (const v of vars) this.addVars(v, depth + 1);
    else {
      for (const [k, v] of Object.entries(vars)) {
        if (isSecretName(k)) this.add(v, depth + 1);
        else this.addVars(v, depth + 1);
      }
    }
  }

  /** A variable was given a (rendered) value: a secret if its name says so. */
  addNamed(name: string, value: unknown): void {
    if (isSecretName(name)) this.add(value);
    else this.addVars(value);
  }

  private addText(text: string): void {
    if (text.length < MIN_LENGTH || text.includes('{{') || FLAG_WORDS.has(text.toLowerCase())) return;
    // the forms a value takes inside JSON text and inside a URL are the same secret
    const forms = [text, JSON.stringify(text).slice(1, -1), urlEncoded(text)];
    let grew = false;
    for (const f of forms) {
      if (this.seen.has(f)) continue;
      this.seen.add(f);
      this.values.push(f);
      grew = true;
    }
    if (grew) this.values.sort((a, b) => b.length - a.length);
  }
}

/** The value as a URL carries it; a lone surrogate (which encodeURIComponent rejects) keeps it as is. */
function urlEncoded(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Secret-named values found in the inventory's hosts and the extra vars. */
export function secretValues(inventory: Inventory, extraVars: Record<string, unknown>): SecretValues {
  const out = new SecretValues();
  for (const host of inventory.hosts.keys()) out.addVars(inventory.hostVars(host));
  out.addVars(extraVars);
  return out;
}
