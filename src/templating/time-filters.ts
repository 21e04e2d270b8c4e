// Ansible's strftime and to_datetime filters (plugins/filter/core.py): `'%Y-%m-%d' |
// strftime(epoch, utc=false)` is time.strftime of the local (or UTC) time, now when no epoch is
// given; `text | to_datetime(format='%Y-%m-%d %H:%M:%S')` is datetime.strptime.
import { TemplateError } from '../cli/errors.js';
import { pyTypeName } from './python-compare.js';
import { numberOf } from './python-float.js';
import { format, type BrokenDownTime } from './python-strftime.js';
import { strptime } from './python-strptime.js';
import { PyDatetime } from './datetime-value.js';
import { truthy } from './filters.js';

function isText(v: unknown): v is string {
  return typeof v === 'string' || v instanceof String;
}

/** Python's float() of the epoch argument; Ansible's message for what it refuses. */
function epochSeconds(second: unknown): number {
  const n = numberOf(second);
  if (n !== undefined) return n;
  if (isText(second)) {
    const s = String(second).trim().replace(/_/g, '');
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
    if (/^[+-]?(inf|infinity|nan)$/i.test(s)) return s.toLowerCase().includes('nan') ? NaN : s.startsWith('-') ? -Infinity : Infinity;
  }
  throw new TemplateError(`Invalid value for epoch value (${isText(second) ? String(second) : pyTypeName(second)})`);
}

/** time.localtime()/gmtime() of whole seconds since the epoch. */
function brokenDown(epoch: number, utc: boolean): BrokenDownTime {
  if (!Number.isFinite(epoch)) throw new TemplateError(Number.isNaN(epoch) ? 'Invalid value NaN (not a number)' : 'cannot convert float infinity to integer');
  const whole = Math.floor(epoch);
  const d = new Date(whole * 1000);
  if (Number.isNaN(d.getTime())) throw new TemplateError('timestamp out of range for platform time_t');
  if (utc) return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), utcOffset: 0, zoneName: 'GMT', epoch: whole };
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes(), second: d.getSeconds(), utcOffset: -d.getTimezoneOffset() * 60, zoneName: zone, epoch: whole };
}

/** `fmt | strftime(second=None, utc=False)`. */
function strftime(fmt: unknown, second?: unknown, utc?: unknown): string {
  const epoch = second === undefined || second === null ? Date.now() / 1000 : epochSeconds(second);
  if (!isText(fmt)) throw new TemplateError(`strftime() argument 1 must be str, not ${pyTypeName(fmt)}`);
  return format(String(fmt), brokenDown(epoch, truthy(utc)));
}

/** `text | to_datetime(format='%Y-%m-%d %H:%M:%S')`: a datetime. */
function toDatetime(text: unknown, fmt: unknown = '%Y-%m-%d %H:%M:%S'): PyDatetime {
  if (!isText(text)) throw new TemplateError(`strptime() argument 1 must be str, not ${pyTypeName(text)}`);
  if (!isText(fmt)) throw new TemplateError(`strptime() argument 2 must be str, not ${pyTypeName(fmt)}`);
  return strptime(String(text), String(fmt));
}

/** The filters, by name. */
export const TIME_FILTERS = { strftime, to_datetime: toDatetime };

/** Their keyword parameters after the value, in Ansible's order. */
export const TIME_FILTER_PARAMS: Record<string, string[]> = { strftime: ['second', 'utc'], to_datetime: ['format'] };
