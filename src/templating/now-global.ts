// Ansible's now(utc=False, fmt=None) template global: the controller's current time as a
// datetime (local, or UTC with utc=True), or formatted by strftime when fmt is given.
import { PyDatetime } from './datetime-value.js';
import { truthy } from './filters.js';

/** now(utc=False, fmt=None). */
export function nowGlobal(...args: unknown[]): PyDatetime | string {
  const kw = (args.find((a: any) => a && a.__keywords) ?? {}) as Record<string, unknown>;
  const positional = args.filter((a: any) => !(a && a.__keywords));
  const utc = truthy(kw.utc ?? positional[0] ?? false);
  const fmt = kw.fmt ?? positional[1] ?? null;
  const d = new Date();
  const ms = d.getMilliseconds() * 1000;
  const dt = utc
    ? new PyDatetime(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), ms)
    : new PyDatetime(d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), ms);
  return fmt === null || fmt === undefined ? dt : dt.strftime(String(fmt));
}
