// Python's datetime.datetime and datetime.timedelta as template values, for the to_datetime
// filter: str() `2024-01-02 03:04:05`, repr() `datetime.datetime(2024, 1, 2, 3, 4, 5)`,
// to_json's isoformat, the attributes (.year, .days) and methods (.strftime(), .isoformat(),
// .total_seconds()) playbooks use, `a - b` and ordering.
import { TemplateError } from '../cli/errors.js';
import { pyFloat } from './python-float.js';
import type { PyObjectLike } from './python-object.js';
import { format } from './python-strftime.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offsetText(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const ss = abs % 60;
  return `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}${ss ? `:${pad(ss)}` : ''}`;
}

/** datetime.timedelta, normalised as Python keeps it (0 <= seconds < 86400, 0 <= microseconds < 10**6). */
export class PyTimedelta implements PyObjectLike {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;

  constructor(totalMicroseconds: number) {
    const us = Math.round(totalMicroseconds);
    this.days = Math.floor(us / 86_400_000_000);
    const rest = us - this.days * 86_400_000_000;
    this.seconds = Math.floor(rest / 1_000_000);
    this.microseconds = rest - this.seconds * 1_000_000;
  }

  total_seconds(): number {
    return pyFloat((this.days * 86_400_000_000 + this.seconds * 1_000_000 + this.microseconds) / 1_000_000);
  }

  pyStr(): string {
    const h = Math.floor(this.seconds / 3600);
    const clock = `${h}:${pad(Math.floor((this.seconds % 3600) / 60))}:${pad(this.seconds % 60)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    return this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${clock}` : clock;
  }

  pyRepr(): string {
    const parts = [this.days && `days=${this.days}`, this.seconds && `seconds=${this.seconds}`, this.microseconds && `microseconds=${this.microseconds}`].filter(Boolean);
    return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
  }

  pyJsonValue(): unknown {
    throw new TemplateError('Object of type timedelta is not JSON serializable');
  }
}

/** datetime.datetime: naive (utcOffset null) or with a fixed UTC offset in seconds. */
export class PyDatetime implements PyObjectLike {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour = 0,
    readonly minute = 0,
    readonly second = 0,
    readonly microsecond = 0,
    readonly utcOffset: number | null = null,
  ) {}

  /** Microseconds since 0001-01-01 of the wall time, less the offset when there is one. */
  private ordinalMicroseconds(): number {
    const d = new Date(Date.UTC(2000, this.month - 1, this.day, this.hour, this.minute, this.second));
    d.setUTCFullYear(this.year);
    return d.getTime() * 1000 + this.microsecond - (this.utcOffset ?? 0) * 1_000_000;
  }

  isoformat(sep = 'T'): string {
    const us = this.microsecond ? `.${pad(this.microsecond, 6)}` : '';
    const tz = this.utcOffset === null ? '' : offsetText(this.utcOffset);
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}${sep}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${us}${tz}`;
  }

  /** Python's datetime.strftime: %f, %z and %Z from the datetime, the rest as C strftime. */
  strftime(fmt: string): string {
    const withMicro = String(fmt).replace(/%(%|f)/g, (m, c: string) => (c === 'f' ? pad(this.microsecond, 6) : m));
    const local = new Date(this.ordinalMicroseconds() / 1000);
    const epoch = this.utcOffset === null ? Math.floor(new Date(this.year, this.month - 1, this.day, this.hour, this.minute, this.second).getTime() / 1000) : Math.floor(local.getTime() / 1000);
    const zoneName = this.utcOffset === 0 ? 'UTC' : this.utcOffset === null ? '' : `UTC${offsetText(this.utcOffset)}`;
    return format(withMicro, { ...this, utcOffset: this.utcOffset, zoneName, epoch });
  }

  weekday(): number {
    const d = new Date(Date.UTC(2000, this.month - 1, this.day));
    d.setUTCFullYear(this.year);
    return (d.getUTCDay() + 6) % 7;
  }

  isoweekday(): number {
    return this.weekday() + 1;
  }

  /** self - other: a timedelta; both naive or both aware, as Python demands. */
  pySub(other: unknown): PyTimedelta {
    if (!(other instanceof PyDatetime)) throw new TemplateError(`unsupported operand type(s) for -: 'datetime.datetime' and '${other === null ? 'NoneType' : typeof other}'`);
    if ((this.utcOffset === null) !== (other.utcOffset === null)) throw new TemplateError("can't subtract offset-naive and offset-aware datetimes");
    return new PyTimedelta(this.ordinalMicroseconds() - other.ordinalMicroseconds());
  }

  /** Negative, zero or positive as self is before, at or after other. */
  pyCompare(other: unknown): number {
    if (!(other instanceof PyDatetime)) throw new TemplateError("'<' not supported between instances of 'datetime.datetime' and another type");
    if ((this.utcOffset === null) !== (other.utcOffset === null)) throw new TemplateError("can't compare offset-naive and offset-aware datetimes");
    return this.ordinalMicroseconds() - other.ordinalMicroseconds();
  }

  pyStr(): string {
    return this.isoformat(' ');
  }

  pyRepr(): string {
    const fields = [this.year, this.month, this.day, this.hour, this.minute];
    if (this.second || this.microsecond) fields.push(this.second);
    if (this.microsecond) fields.push(this.microsecond);
    const tz = this.utcOffset === null ? '' : this.utcOffset === 0 ? ', tzinfo=datetime.timezone.utc' : `, tzinfo=datetime.timezone(${new PyTimedelta(this.utcOffset * 1_000_000).pyRepr()})`;
    return `datetime.datetime(${fields.join(', ')}${tz})`;
  }

  pyJsonValue(): unknown {
    return this.isoformat();
  }
}
