// file's modification_time and access_time: 'preserve', 'now' or a time written in
// *_time_format, set on the target with touch as Ansible's file module sets them with utime.
// A time is read in the target's local time zone (touch -t), as Ansible's time.mktime does.
import { quote } from '../../connections/shell-quote.js';
import type { ModuleContext } from '../types.js';

/** undefined keeps the time, 'now' sets the current one, else a `touch -t` stamp (CCYYMMDDhhmm.ss). */
export type TimeSetting = undefined | 'now' | { stamp: string };

// the strptime directives a time format may use here; others are refused, never guessed
const FIELDS: Record<string, { re: string; key: 'Y' | 'm' | 'd' | 'H' | 'M' | 'S' | 'y' }> = {
  Y: { re: '(\\d{4})', key: 'Y' },
  y: { re: '(\\d{2})', key: 'y' },
  m: { re: '(\\d{1,2})', key: 'm' },
  d: { re: '(\\d{1,2})', key: 'd' },
  H: { re: '(\\d{1,2})', key: 'H' },
  M: { re: '(\\d{1,2})', key: 'M' },
  S: { re: '(\\d{1,2})', key: 'S' },
};

/**
 * Ansible's get_timestamp_for_time, with its defaults per state (touch: now; file, directory,
 * link, hard: preserve). Returns an error message for a time that does not match its format.
 */
export function timeSetting(value: unknown, format: unknown, state: string): TimeSetting | { error: string } {
  const v = value === undefined || value === null ? (state === 'touch' ? 'now' : 'preserve') : String(value);
  if (v === 'preserve') return undefined;
  if (v === 'now') return 'now';
  const fmt = format === undefined || format === null ? '%Y%m%d%H%M.%S' : String(format);
  const fail = (why: string): { error: string } => ({ error: `Error while obtaining timestamp for time ${v} using format ${fmt}: ${why}` });
  const keys: string[] = [];
  let re = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      re += /\s/.test(c) ? '\\s+' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = fmt[++i];
    if (d === '%') re += '%';
    else if (d !== undefined && FIELDS[d]) {
      re += FIELDS[d].re;
      keys.push(FIELDS[d].key);
    } else return fail(`Drover reads %Y %y %m %d %H %M %S in a time format, not %${d ?? ''}`);
  }
  const m = new RegExp(`^${re}$`).exec(v.trim());
  if (!m) return fail(`time data '${v}' does not match format '${fmt}'`);
  // strptime's defaults: 1900-01-01 00:00:00; %y 69-99 is 19xx, 00-68 20xx
  const f: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  keys.forEach((k, i) => {
    const n = Number(m[i + 1]);
    if (k === 'y') f.Y = n < 69 ? 2000 + n : 1900 + n;
    else f[k] = n;
  });
  if (f.m! < 1 || f.m! > 12 || f.d! < 1 || f.d! > 31 || f.H! > 23 || f.M! > 59 || f.S! > 61) return fail(`time data '${v}' does not match format '${fmt}'`);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return { stamp: `${p(f.Y!, 4)}${p(f.m!)}${p(f.d!)}${p(f.H!)}${p(f.M!)}.${p(Math.min(f.S!, 59))}` };
}

function touchArgs(flag: '-m' | '-a', t: TimeSetting): string {
  if (t === undefined) return '';
  return t === 'now' ? `touch ${flag} "$q" && ` : `touch ${flag} -t ${quote(t.stamp)} "$q" && `;
}

/**
 * Set the times on path (following a link, as utime does), with recurse on everything under it
 * too (links skipped), as Ansible's recursive_set_attributes. Changed when any differs; 'now'
 * always differs, as in Ansible. In check mode only compares. The new times are worked out on
 * a probe file first, so a path is touched once, only when something changes.
 */
export async function applyTimes(ctx: ModuleContext, path: string, mtime: TimeSetting, atime: TimeSetting, recurse = false): Promise<boolean> {
  if (mtime === undefined && atime === undefined) return false;
  const p = quote(path);
  if (mtime === 'now' && atime === 'now') {
    if (!ctx.check) await run(ctx, recurse ? `touch ${p} && find ${p} -mindepth 1 ! -type l -exec touch -c {} +` : `touch ${p}`);
    return true;
  }
  const paths = recurse ? `{ printf '%s\\n' ${p}; find ${p} -mindepth 1 ! -type l; }` : `printf '%s\\n' ${p}`;
  const apply = ctx.check ? '' : ' && touch -r "$q" "$f"';
  // only the times asked for are compared: listing a directory may move its atime meanwhile, which a preserved atime must not count
  const fields = quote([mtime === undefined ? '' : '%y', atime === undefined ? '' : '%x'].join(' ').trim());
  const each = `touch -r "$f" "$q" && ${touchArgs('-m', mtime)}${touchArgs('-a', atime)}{ [ "$(stat -c ${fields} "$f")" = "$(stat -c ${fields} "$q")" ] || { echo changed${apply}; }; }`;
  const script = `q=$(mktemp) || exit 1; ${paths} | while IFS= read -r f; do ${each} || exit 1; done; r=$?; rm -f "$q"; exit $r`;
  return (await run(ctx, script)).includes('changed');
}

async function run(ctx: ModuleContext, cmd: string): Promise<string> {
  const r = await ctx.conn.exec(cmd, { become: ctx.become });
  if (r.rc !== 0) throw new Error(r.stderr.trim() || `could not set the times: ${cmd}`);
  return r.stdout;
}
