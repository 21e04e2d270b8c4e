// file: directories, empty files, links, removal, and attributes.
import { posix } from 'node:path';
import { quote } from '../../connections/shell-quote.js';
import { applyAttrs, attrResult, normalizeMode, statPath } from '../remote/file-state.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../types.js';
import { applyTimes, timeSetting, type TimeSetting } from './file-times.js';

/**
 * mkdir -p, then the asked mode, owner and group on every directory it created, as Ansible.
 * With an octal mode they are created under umask 077, so none is ever more open than asked.
 */
async function makeDirs(ctx: ModuleContext, path: string, a: Record<string, unknown>, exec: (cmd: string) => Promise<void>): Promise<void> {
  const missing: string[] = [];
  if (!ctx.check) {
    const r = await ctx.conn.exec(`p=${quote(path)}; while [ ! -e "$p" ] && [ ! -L "$p" ]; do printf '%s\\n' "$p"; p=$(dirname "$p"); done`, { become: ctx.become });
    missing.push(...r.stdout.split('\n').filter(Boolean).reverse());
  }
  const mode = normalizeMode(a.mode);
  const dirs = missing.map(quote).join(' ');
  const steps = [`${mode && /^[0-7]{4}$/.test(mode) ? 'umask 077; ' : ''}mkdir -p ${quote(path)}`];
  if (dirs && a.owner !== undefined && a.owner !== null) steps.push(`chown ${quote(String(a.owner))} ${dirs}`);
  if (dirs && a.group !== undefined && a.group !== null) steps.push(`chgrp ${quote(String(a.group))} ${dirs}`);
  if (dirs && mode) steps.push(`chmod ${quote(mode)} ${dirs}`);
  await exec(steps.join(' && '));
}

/** Ansible's file module. */
export const fileModule: ModuleDef = {
  name: 'file',
  supportsCheck: true,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    state: { type: 'str', choices: ['absent', 'directory', 'file', 'hard', 'link', 'touch'] },
    src: { type: 'path' },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
    recurse: { type: 'bool', default: false },
    force: { type: 'bool', default: false },
    follow: { type: 'bool', default: true },
    modification_time: { type: 'str' },
    access_time: { type: 'str' },
    modification_time_format: { type: 'str' },
    access_time_format: { type: 'str' },
  },
  async run(ctx) {
    const a = ctx.args;
    let path = String(a.path);
    let st = await statPath(ctx, path, false);
    const state = String(a.state ?? (st.exists ? (st.type === 'directory' ? 'directory' : st.type === 'link' ? 'link' : 'file') : 'file'));
    if (st.type === 'link' && a.follow !== false && ['file', 'directory', 'touch'].includes(state)) {
      // as Ansible (follow defaults to true): attributes go to the link's target, not the link
      st = await statPath(ctx, path, false, true);
      path = st.realPath ?? path;
    }
    const times = state === 'absent' ? [undefined, undefined] : [timeSetting(a.modification_time, a.modification_time_format, state), timeSetting(a.access_time, a.access_time_format, state)];
    for (const t of times) if (t && typeof t === 'object' && 'error' in t) return { changed: false, failed: true, path, msg: t.error };
    const [mtime, atime] = times as TimeSetting[];
    // a path that check mode only pretends to create has no times to compare
    const setTimes = async (target: string, recurse = false): Promise<boolean> => (!ctx.check || st.exists ? applyTimes(ctx, target, mtime, atime, recurse) : false);
    const p = quote(path);
    const exec = async (cmd: string): Promise<void> => {
      if (ctx.check) return;
      const r = await ctx.conn.exec(cmd, { become: ctx.become });
      if (r.rc !== 0) throw new Error(r.stderr.trim() || `command failed: ${cmd}`);
    };
    const diff = (before: string, after: string): ModuleResult['diff'] => (ctx.diff ? [{ before: `path: ${path}\nstate: ${before}\n`, after: `path: ${path}\nstate: ${after}\n` }] : undefined);
    const beforeState = st.exists ? String(attrResult(path, st).state) : 'absent';
    let changed = false;
    switch (state) {
      case 'absent':
        if (!st.exists) return { changed: false, path, state: 'absent' };
        await exec(`rm -rf ${p}`);
        return { changed: true, path, state: 'absent', diff: diff(beforeState, 'absent') };
      case 'directory':
        if (st.exists && st.type !== 'directory') return { changed: false, failed: true, path, msg: `${path} already exists as a ${st.type}` };
        if (!st.exists) {
          changed = true;
          await makeDirs(ctx, path, a, exec);
        }
        break;
      case 'file':
        if (!st.exists) return { changed: false, failed: true, path, state: 'absent', msg: `file (${path}) is absent, cannot continue` };
        if (st.type === 'directory') return { changed: false, failed: true, path, msg: `${path} already exists as a directory` };
        break;
      case 'touch':
        // a new file; its times (now unless asked otherwise) are set below with every state's
        if (!st.exists) {
          changed = true;
          await exec(`touch ${p}`);
        }
        break;
      case 'link':
      case 'hard': {
        if (a.src === undefined || a.src === null) return { changed: false, failed: true, path, msg: `src is required for creating a ${state === 'link' ? 'symlink' : 'hard link'}` };
        const src = String(a.src);
        if (state === 'link') {
          if (st.type === 'link' && st.linkTarget === src) break;
          const srcAbs = posix.isAbsolute(src) ? src : posix.join(posix.dirname(path), src);
          const sst = await statPath(ctx, srcAbs, false);
          if (!sst.exists && !a.force) return { changed: false, failed: true, path, msg: `src file does not exist, use "force=yes" if you really want to create the link: ${srcAbs}` };
          if (st.exists && st.type !== 'link' && !a.force) return { changed: false, failed: true, path, msg: `refusing to convert from ${st.type} to symlink for ${path}` };
          changed = true;
          await exec(`ln -sfn ${quote(src)} ${p}`);
          await setTimes(path);
          return { changed, path, dest: path, src, state: 'link', diff: diff(beforeState, 'link') };
        }
        // as Ansible's ensure_hardlink: a link already to src changes nothing, a file or another hard link there needs force
        const probe = await ctx.conn.exec(
          `s=${quote(src)}; d=${p}; if [ ! -e "$s" ]; then echo nosrc; elif [ ! -e "$d" ] && [ ! -L "$d" ]; then echo absent; elif [ -L "$d" ]; then if [ "$(readlink "$d")" = "$s" ]; then echo same; else echo link; fi; elif [ "$d" -ef "$s" ]; then echo same; elif [ -d "$d" ]; then echo directory; elif [ "$(stat -c %h "$d")" -gt 1 ]; then echo hard; else echo file; fi`,
          { become: ctx.become },
        );
        const prev = probe.stdout.trim();
        if (probe.rc !== 0 || !prev) throw new Error(probe.stderr.trim() || `could not inspect ${path}`);
        if (prev === 'nosrc') return { changed: false, failed: true, dest: path, src, msg: 'src does not exist' };
        if (prev === 'same') break;
        if (!a.force && prev !== 'absent' && prev !== 'link') {
          const msg = prev === 'file' ? 'Cannot link, file exists at destination' : prev === 'hard' ? 'Cannot link, different hard link exists at destination' : 'Cannot link: different hard link exists at destination';
          return { changed: false, failed: true, dest: path, src, msg };
        }
        changed = true;
        await exec(`ln -f ${quote(src)} ${p}`);
        await setTimes(path);
        return { changed, path, dest: path, src, state: 'hard' };
      }
    }
    const now = ctx.check ? { ...st, exists: true, type: state === 'directory' ? ('directory' as const) : ('file' as const), mode: st.mode ?? '0755' } : await statPath(ctx, path, false);
    if (await applyAttrs(ctx, path, a, now, Boolean(a.recurse) && state === 'directory')) changed = true;
    if (await setTimes(path, Boolean(a.recurse) && state === 'directory')) changed = true;
    const final = ctx.check ? now : await statPath(ctx, path, false);
    const out: ModuleResult = { ...attrResult(path, final), changed, path, state: state === 'touch' ? 'file' : state };
    if (changed) out.diff = diff(beforeState, String(out.state));
    return out;
  },
};
