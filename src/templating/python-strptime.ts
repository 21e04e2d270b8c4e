// Python's datetime.strptime (Lib/_strptime.py, C locale): each directive is the same regular
// expression Python builds, matched case-insensitively against the whole string, then the
// fields are combined as Python combines them (%y pivot at 69, %I with %p, %j, %z).
import { TemplateError } from '../cli/errors.js';
import { PyDatetime } from './datetime-value.js';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const alternation = (names: string[]): string => [...names].sort((a, b) => b.length - a.length).join('|');

// _strptime.TimeRE, directive by directive
const DIRECTIVES: Record<string, string> = {
  d: '3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9]',
  f: '[0-9]{1,6}',
  H: '2[0-3]|[0-1]\\d|\\d',
  I: '1[0-2]|0[1-9]|[1-9]',
  G: '\\d\\d\\d\\d',
  j: '36[0-6]|3[0-5]\\d|[1-2]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9]',
  m: '1[0-2]|0[1-9]|[1-9]',
  M: '[0-5]\\d|\\d',
  S: '6[0-1]|[0-5]\\d|\\d',
  U: '5[0-3]|[0-4]\\d|\\d',
  w: '[0-6]',
  u: '[1-7]',
  V: '5[0-3]|0[1-9]|[1-4]\\d|\\d',
  y: '\\d\\d',
  Y: '\\d\\d\\d\\d',
  z: '[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|Z',
  A: alternation(DAYS),
  a: alternation(DAYS.map((d) => d.slice(0, 3))),
  B: alternation(MONTHS),
  b: alternation(MONTHS.map((m) => m.slice(0, 3))),
  p: 'am|pm',
  Z: 'utc|gmt',
  W: '5[0-3]|[0-4]\\d|\\d',
};
// locale formats of the C locale
const COMPOUND: Record<string, string> = { c: '%a %b %d %H:%M:%S %Y', x: '%m/%d/%y', X: '%H:%M:%S' };

/** The regular expression for a format, and the directive of each capture group. */
function compile(fmt: string): { re: RegExp; groups: string[] } {
  const groups: string[] = [];
  let src = '';
  const expanded = fmt.replace(/%([cxX])/g, (_m, c: string) => COMPOUND[c]!);
  for (let i = 0; i < expanded.length; i++) {
    const ch = expanded[i]!;
    if (ch === '%') {
      const d = expanded[i + 1];
      if (d === undefined) throw new TemplateError(`stray % in format '${fmt}'`);
      i++;
      if (d === '%') src += '%';
      else if (DIRECTIVES[d] !== undefined) {
        if (groups.includes(d)) throw new TemplateError(`redefinition of group name '${d}' as group ${groups.length + 1}`);
        groups.push(d);
        src += `(${DIRECTIVES[d]})`;
      } else throw new TemplateError(`'${d}' is a bad directive in format '${fmt}'`);
    } else if (/\s/.test(ch)) {
      while (i + 1 < expanded.length && /\s/.test(expanded[i + 1]!)) i++;
      src += '\\s+';
    } else src += ch.replace(/[\\.^$*+?(){}[\]|/-]/g, '\\$&');
  }
  return { re: new RegExp(`^(?:${src})`, 'i'), groups };
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** datetime.datetime.strptime(text, fmt). */
export function strptime(text: string, fmt: string): PyDatetime {
  const { re, groups } = compile(fmt);
  const m = re.exec(text);
  if (!m) throw new TemplateError(`time data '${text}' does not match format '${fmt}'`);
  if (m[0].length !== text.length) throw new TemplateError(`unconverted data remains: ${text.slice(m[0].length)}`);
  const got: Record<string, string> = {};
  groups.forEach((g, i) => (got[g] = m[i + 1]!));
  let year = 1900;
  let month = 1;
  let day = 1;
  let hour = 0;
  let offset: number | null = null;
  if (got.y !== undefined) year = Number(got.y) + (Number(got.y) <= 68 ? 2000 : 1900);
  if (got.Y !== undefined) year = Number(got.Y);
  if (got.m !== undefined) month = Number(got.m);
  if (got.B !== undefined) month = MONTHS.indexOf(got.B.toLowerCase()) + 1;
  if (got.b !== undefined) month = MONTHS.findIndex((x) => x.startsWith(got.b!.toLowerCase())) + 1;
  if (got.d !== undefined) day = Number(got.d);
  if (got.H !== undefined) hour = Number(got.H);
  if (got.I !== undefined) {
    hour = Number(got.I) % 12;
    if ((got.p ?? '').toLowerCase() === 'pm') hour += 12;
  }
  const minute = got.M !== undefined ? Number(got.M) : 0;
  const second = got.S !== undefined ? Number(got.S) : 0;
  const microsecond = got.f !== undefined ? Number(got.f.padEnd(6, '0')) : 0;
  if (got.z !== undefined) {
    if (/^z$/i.test(got.z)) offset = 0;
    else {
      const z = /^([+-])(\d\d):?(\d\d)(?::?(\d\d))?/.exec(got.z)!;
      offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3]) * 60 + Number(z[4] ?? 0));
    }
  }
  if (got.j !== undefined && got.m === undefined && got.B === undefined && got.b === undefined && got.d === undefined) {
    const d = new Date(Date.UTC(2000, 0, Number(got.j)));
    d.setUTCFullYear(year);
    d.setUTCMonth(0, Number(got.j));
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  if (second > 59) throw new TemplateError('second must be in 0..59');
  if (day > daysInMonth(year, month)) throw new TemplateError('day is out of range for month');
  return new PyDatetime(year, month, day, hour, minute, second, microsecond, offset);
}
