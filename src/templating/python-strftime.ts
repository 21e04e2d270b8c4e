// C strftime(3) as glibc formats in the C locale (what Python's time.strftime calls on Linux):
// every conversion Ansible's strftime filter and a datetime's .strftime() can meet, with
// glibc's flags (`%-d`, `%_H`, `%^a`) and widths; an unknown conversion is copied as written.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A broken-down time (struct tm plus what Python's datetime adds). */
export interface BrokenDownTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond?: number;
  /** Seconds east of UTC, or null for a naive datetime (%z and %Z print nothing). */
  utcOffset: number | null;
  zoneName: string;
  /** Seconds since the epoch, for %s. */
  epoch: number;
}

function dayOfYear(t: BrokenDownTime): number {
  return Math.round((Date.UTC(t.year, t.month - 1, t.day) - Date.UTC(t.year, 0, 1)) / 86_400_000) + 1;
}

/** 0 = Sunday. */
function weekday(t: BrokenDownTime): number {
  const d = new Date(Date.UTC(2000, t.month - 1, t.day));
  d.setUTCFullYear(t.year);
  return d.getUTCDay();
}

/** ISO 8601 year and week number. */
function isoWeek(t: BrokenDownTime): [number, number] {
  const d = new Date(Date.UTC(2000, t.month - 1, t.day));
  d.setUTCFullYear(t.year);
  const wd = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - wd + 3);
  const isoYear = d.getUTCFullYear();
  const jan1 = new Date(Date.UTC(2000, 0, 1));
  jan1.setUTCFullYear(isoYear);
  const week = 1 + Math.floor((d.getTime() - jan1.getTime()) / 86_400_000 / 7);
  return [isoYear, week];
}

function offsetText(seconds: number, colon: boolean): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `${sign}${hh}${colon ? ':' : ''}${mm}`;
}

/** A conversion's text and its default padding (char and width; width 0: text). */
function conversion(c: string, t: BrokenDownTime): [string, string, number] | undefined {
  const wd = weekday(t);
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const num = (n: number, w = 2, pad = '0'): [string, string, number] => [String(n), pad, w];
  const text = (s: string): [string, string, number] => [s, ' ', 0];
  switch (c) {
    case 'a': return text(DAYS[wd]!.slice(0, 3));
    case 'A': return text(DAYS[wd]!);
    case 'b': case 'h': return text(MONTHS[t.month - 1]!.slice(0, 3));
    case 'B': return text(MONTHS[t.month - 1]!);
    case 'c': return text(format('%a %b %e %H:%M:%S %Y', t));
    case 'C': return num(Math.floor(t.year / 100));
    case 'd': return num(t.day);
    case 'D': return text(format('%m/%d/%y', t));
    case 'e': return num(t.day, 2, ' ');
    case 'F': return text(format('%Y-%m-%d', t));
    case 'g': return num(isoWeek(t)[0] % 100);
    case 'G': return num(isoWeek(t)[0], 1);
    case 'H': return num(t.hour);
    case 'I': return num(h12);
    case 'j': return num(dayOfYear(t), 3);
    case 'k': return num(t.hour, 2, ' ');
    case 'l': return num(h12, 2, ' ');
    case 'm': return num(t.month);
    case 'M': return num(t.minute);
    case 'n': return text('\n');
    case 'p': return text(t.hour < 12 ? 'AM' : 'PM');
    case 'P': return text(t.hour < 12 ? 'am' : 'pm');
    case 'r': return text(format('%I:%M:%S %p', t));
    case 'R': return text(format('%H:%M', t));
    case 's': return num(t.epoch, 1);
    case 'S': return num(t.second);
    case 't': return text('\t');
    case 'T': return text(format('%H:%M:%S', t));
    case 'u': return num(wd === 0 ? 7 : wd, 1);
    case 'U': return num(Math.floor((dayOfYear(t) - 1 + 7 - wd) / 7));
    case 'V': return num(isoWeek(t)[1]);
    case 'w': return num(wd, 1);
    case 'W': return num(Math.floor((dayOfYear(t) - 1 + 7 - ((wd + 6) % 7)) / 7));
    case 'x': return text(format('%m/%d/%y', t));
    case 'X': return text(format('%H:%M:%S', t));
    case 'y': return num(((t.year % 100) + 100) % 100);
    case 'Y': return num(t.year, 1);
    case 'z': return text(t.utcOffset === null ? '' : offsetText(t.utcOffset, false));
    case 'Z': return text(t.utcOffset === null ? '' : t.zoneName);
    case '%': return text('%');
    default: return undefined;
  }
}

/** strftime(fmt, t) as glibc in the C locale. */
export function format(fmt: string, t: BrokenDownTime): string {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%') {
      out += fmt[i];
      continue;
    }
    const m = /^([-_0^#]*)(\d*)([EO]?)(.?)/s.exec(fmt.slice(i + 1))!;
    const [whole, flags, width, , c] = m;
    const conv = c ? conversion(c, t) : undefined;
    if (!conv) {
      // glibc copies an unknown conversion (and a lone '%') as it was written
      out += '%' + whole;
      i += whole.length;
      continue;
    }
    let [s, pad, w] = conv;
    if (flags!.includes('-')) w = 0;
    else if (flags!.includes('_')) pad = ' ';
    else if (flags!.includes('0')) pad = '0';
    if (width) w = Number(width);
    if (flags!.includes('^')) s = s.toUpperCase();
    const negative = s.startsWith('-') && pad === '0';
    const body = negative ? s.slice(1) : s;
    s = (negative ? '-' : '') + body.padStart(Math.max(0, w - (negative ? 1 : 0)), pad);
    out += s;
    i += whole.length;
  }
  return out;
}
