// Shared by command, shell and raw: creates/removes, chdir, stdin, timing, Ansible's result keys.
import { envPrefix, quote } from '../../connections/shell-quote.js';
import type { ModuleContext, ModuleResult } from '../types.js';

/** Ansible's timestamp format: 2026-11-24 03:06:40.257125 */
export function stamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

function delta(ms: number): string {
  const s = ms / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = (s % 60).toFixed(6).padStart(9, '0');
  return `${h}:${String(m).padStart(2, '0')}:${sec}`;
}

/** Runs a prepared command line the way the command family does. `cmd` is what the result shows. */
export async function runCommandLine(ctx: ModuleContext, line: string, cmd: unknown): Promise<ModuleResult> {
  const a = ctx.args;
  const test = async (flag: '-e', path: string): Promise<boolean> => {
    const r = await ctx.conn.exec(`test ${flag} ${quote(path)}`, { become: ctx.become });
    return r.rc === 0;
  };
  if (a.creates && (await test('-e', String(a.creates)))) {
    return { changed: false, cmd, rc: 0, stdout: `skipped, since ${a.creates} exists`, stderr: '', msg: `Did not run command since '${a.creates}' exists` };
  }
  if (a.removes && !(await test('-e', String(a.removes)))) {
    return { changed: false, cmd, rc: 0, stdout: `skipped, since ${a.removes} does not exist`, stderr: '', msg: `Did not run command since '${a.removes}' does not exist` };
  }
  if (ctx.check) return { changed: false, skipped: true, cmd, msg: 'Command would have run if not in check mode' };
  const cd = a.chdir ? `cd ${quote(String(a.chdir))} && ` : '';
  let stdin: string | undefined;
  if (a.stdin !== undefined && a.stdin !== null) stdin = String(a.stdin) + (a.stdin_add_newline === false ? '' : '\n');
  const start = new Date();
  const r = await ctx.conn.exec(`${envPrefix(ctx.environment)}${cd}${line}`, { stdin, become: ctx.become, signal: ctx.signal });
  const end = new Date();
  const strip = a.strip_empty_ends !== false;
  const stdout = strip ? r.stdout.replace(/\n+$/, '') : r.stdout;
  const stderr = strip ? r.stderr.replace(/\n+$/, '') : r.stderr;
  const out: ModuleResult = { changed: true, cmd, rc: r.rc, stdout, stderr, start: stamp(start), end: stamp(end), delta: delta(end.getTime() - start.getTime()) };
  if (r.rc !== 0) {
    out.failed = true;
    out.msg = r.timedOut ? 'command timed out' : 'non-zero return code';
  } else out.msg = '';
  return out;
}
