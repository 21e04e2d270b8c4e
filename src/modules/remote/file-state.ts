// What modules need to know about and do to a path on the target, each in one round trip
// of POSIX sh + coreutils.
import { createHash } from 'node:crypto';
import { quote } from '../../connections/shell-quote.js';
import type { ModuleContext } from '../types.js';

export interface PathStat {
  exists: boolean;
  type?: 'file' | 'directory' | 'link' | 'other';
  mode?: string;
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
  size?: number;
  mtime?: number;
  atime?: number;
  checksum?: string;
  linkTarget?: string;
  /** With statPath's follow: the path after resolving symlinks. */
  realPath?: string;
}

/** sha1 hex of bytes, as Ansible's `checksum`. */
export function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

/**
 * Stat a path (without following a final symlink), with the sha1 of a regular file. With
 * `follow`, symlinks (in the last component or on the way) are first resolved with
 * `readlink -f`, as Ansible's realpath: the result describes the real file and `realPath` names it.
 */
export async function statPath(ctx: ModuleContext, path: string, withChecksum = true, follow = false): Promise<PathStat> {
  const resolve = follow ? 'r=$(readlink -f "$p" 2>/dev/null) && [ -n "$r" ] && p=$r; printf \'%s\\n\' "$p"; ' : '';
  const cmd = `p=${quote(path)}; ${resolve}if [ -e "$p" ] || [ -L "$p" ]; then stat -c '%F|%a|%u|%g|%U|%G|%s|%Y|%X' "$p"; if [ -L "$p" ]; then readlink "$p"; elif [ -f "$p" ] && [ ${withChecksum ? 1 : 0} = 1 ]; then sha1sum < "$p" | cut -d' ' -f1; fi; else echo ABSENT; fi`;
  const r = await ctx.conn.exec(cmd, { become: ctx.become });
  if (r.rc !== 0) throw new Error(`cannot stat ${path}: ${r.stderr.trim()}`);
  const lines = r.stdout.split('\n');
  const realPath = follow ? lines.shift() || path : undefined;
  const [first = '', second = ''] = lines;
  if (first === 'ABSENT') return { exists: false, realPath };
  const [kind = '', mode = '', uid, gid, owner, group, size, mtime, atime] = first.split('|');
  const type = kind.includes('symbolic link') ? 'link' : kind.includes('directory') ? 'directory' : kind.includes('regular') ? 'file' : 'other';
  return {
    exists: true,
    type,
    mode: mode.padStart(4, '0'),
    uid: Number(uid),
    gid: Number(gid),
    owner,
    group,
    size: Number(size),
    mtime: Number(mtime),
    atime: Number(atime),
    checksum: type === 'file' && second ? second.trim() : undefined,
    linkTarget: type === 'link' ? second : undefined,
    realPath,
  };
}

/** Mode argument to an octal string, or a symbolic mode kept as is for chmod. */
export function normalizeMode(mode: unknown): string | undefined {
  if (mode === undefined || mode === null || mode === '') return undefined;
  // YAML 1.1 reads 0644 as the number 420: that is the mode bits already
  if (typeof mode === 'number') return mode.toString(8).padStart(4, '0');
  const s = String(mode).trim();
  if (/^[0-7]{3,4}$/.test(s)) return s.padStart(4, '0');
  if (s === 'preserve') return undefined;
  return s;
}

export interface Attrs {
  mode?: unknown;
  owner?: unknown;
  group?: unknown;
}

/** Bring mode/owner/group of an existing path to what was asked; returns whether anything changed. */
export async function applyAttrs(ctx: ModuleContext, path: string, attrs: Attrs, st: PathStat, recurse = false): Promise<boolean> {
  const p = quote(path);
  const cmds: string[] = [];
  const mode = normalizeMode(attrs.mode);
  const R = recurse ? '-R ' : '';
  if (mode && st.type !== 'link') {
    if (/^[0-7]{4}$/.test(mode)) {
      if (recurse || st.mode !== mode) cmds.push(`chmod ${R}${mode} ${p}`);
    } else {
      // symbolic: apply, then compare what it became
      cmds.push(`chmod ${R}${quote(mode)} ${p}`);
    }
  }
  if (attrs.owner !== undefined && attrs.owner !== null && String(attrs.owner) !== st.owner && String(attrs.owner) !== String(st.uid)) cmds.push(`chown ${R}${quote(String(attrs.owner))} ${p}`);
  if (attrs.group !== undefined && attrs.group !== null && String(attrs.group) !== st.group && String(attrs.group) !== String(st.gid)) cmds.push(`chgrp ${R}${quote(String(attrs.group))} ${p}`);
  if (!cmds.length) return false;
  if (mode && !/^[0-7]{4}$/.test(mode) && cmds.length === 1) {
    // a symbolic mode only changes something if the bits differ afterwards; find out without applying in check mode
    const probe = await ctx.conn.exec(`t=$(mktemp) && chmod ${st.mode} "$t" && chmod ${quote(mode)} "$t" && stat -c %a "$t"; rm -f "$t"`, { become: ctx.become });
    if (probe.stdout.trim().padStart(4, '0') === st.mode) return false;
  }
  if (ctx.check) return true;
  const r = await ctx.conn.exec(cmds.join(' && '), { become: ctx.become });
  if (r.rc !== 0) throw new Error(r.stderr.trim() || `could not set attributes on ${path}`);
  return true;
}

/** Ansible's backup name: path.PID.YYYY-MM-DD@HH:MM:SS~ (copied with cp -p, so with the file's owner and mode). */
export async function backupFile(ctx: ModuleContext, path: string): Promise<string> {
  const d = new Date();
  const z = (n: number): string => String(n).padStart(2, '0');
  const name = `${path}.${process.pid}.${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())}@${z(d.getHours())}:${z(d.getMinutes())}:${z(d.getSeconds())}~`;
  const b = quote(name);
  // cp would write through a link (or into a file) already at the backup's name
  const r = await ctx.conn.exec(`if [ -e ${b} ] || [ -L ${b} ]; then echo ${quote(`${name} already exists`)} >&2; exit 1; fi; umask 077; cp -p ${quote(path)} ${b}`, { become: ctx.become });
  if (r.rc !== 0) throw new Error(`backup of ${path} failed: ${r.stderr.trim()}`);
  return name;
}

/** Text for a diff, or a placeholder when the content is binary or large. */
export function diffText(data: Buffer | string | undefined): string {
  if (data === undefined) return '';
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  if (buf.length > 104448) return '[content too large to show]\n';
  if (buf.includes(0)) return '[binary content]\n';
  return buf.toString('utf8');
}

/** Stat fields as Ansible's file-family modules return them. */
export function attrResult(path: string, st: PathStat): Record<string, unknown> {
  if (!st.exists) return { path, state: 'absent' };
  return {
    path,
    state: st.type === 'directory' ? 'directory' : st.type === 'link' ? 'link' : st.type === 'file' ? 'file' : 'other',
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    owner: st.owner,
    group: st.group,
    size: st.size,
  };
}
