// How every transport replaces a file: the bytes go to a fresh temp file (0600, created
// exclusively, random name) beside the destination, the temp file gets its final owner, group
// and mode, and only then is it renamed over the destination. A replaced regular file keeps
// its owner, group and mode unless others were asked for; a new file (or a replaced symlink,
// as Ansible's copy with follow=no) gets 0666 minus the umask. There is never a moment when
// the destination has the wrong attributes or a temp file is readable by others.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { quote } from './shell-quote.js';
import type { PutOptions } from './types.js';

/** Final attributes a put asks for, checked: an octal or symbolic mode, owner and group as names or ids. */
export interface PutAttrs {
  mode?: number;
  /** chmod's symbolic form (u=rw,go=r), applied to the mode the file would otherwise get. */
  symbolicMode?: string;
  owner?: string;
  group?: string;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;
const CLAUSE = '[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+';
const SYMBOLIC = new RegExp(`^${CLAUSE}(?:,${CLAUSE})*$`);

/** PutOptions' attributes validated (a bad value is an error quoting it, never shell text). */
export function putAttrs(options: PutOptions): PutAttrs {
  const out: PutAttrs = {};
  const m = options.mode;
  if (typeof m === 'string' && SYMBOLIC.test(m)) out.symbolicMode = m;
  else if (m !== undefined) {
    const n = typeof m === 'number' ? m : /^[0-7]{1,4}$/.test(m) ? parseInt(m, 8) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 0o7777) throw new Error(`invalid file mode '${String(m)}'`);
    out.mode = n;
  }
  for (const key of ['owner', 'group'] as const) {
    const v = options[key];
    if (v === undefined || v === null || v === '') continue;
    const s = String(v);
    if (!NAME.test(s)) throw new Error(`invalid ${key} '${s}'`);
    out[key] = s;
  }
  return out;
}

/** Whether a file protocol (SFTP, node:fs) can apply these without the target's tools: numeric ids, no symbolic mode. */
export function numericIds(a: PutAttrs): boolean {
  return a.symbolicMode === undefined && [a.owner, a.group].every((v) => v === undefined || /^\d+$/.test(v));
}

/** A temp name beside `path` (same directory, so the rename stays on one filesystem). */
export function tempBeside(path: string, tag = randomBytes(6).toString('hex')): string {
  return posix.join(posix.dirname(path), `.${posix.basename(path)}.drover-${tag}`);
}

/**
 * sh that creates `tmp` with `write` (a command that writes to "$t"), then finishes it as
 * finishScript does. The temp file is created under umask 077 and noclobber (O_EXCL), so
 * nothing can be waiting at that name and nobody else can read it.
 */
export function writeAndReplaceScript(dest: string, tmp: string, attrs: PutAttrs, write = 'cat > "$t"'): string {
  return `t=${quote(tmp)}; u=$(umask); umask 077; set -C; { ${write} && ${finishScript(dest, attrs)}; } || { rc=$?; rm -f "$t"; exit $rc; }`;
}

/**
 * sh fragment, given "$t" (the written temp file) and "$u" (the caller's umask): owner, group
 * and mode from the replaced regular file (owner only if allowed, as Ansible), or the
 * defaults; then the requested ones; then the rename, refusing a directory at dest
 * (mv would move the file into it).
 */
export function finishScript(dest: string, attrs: PutAttrs): string {
  const d = quote(dest);
  const steps = [
    `if [ -f ${d} ] && [ ! -L ${d} ]; then o=$(stat -c %u:%g ${d}) && m=$(stat -c %a ${d}) && { chown "$o" "$t" 2>/dev/null || chgrp "\${o#*:}" "$t" 2>/dev/null || :; }; else m=$(printf %o $((0666 & ~0\${u:-022}))); fi`,
  ];
  // chown clears set-id bits, so the mode comes last
  if (attrs.owner !== undefined) steps.push(`chown ${quote(attrs.owner)} "$t"`);
  if (attrs.group !== undefined) steps.push(`chgrp ${quote(attrs.group)} "$t"`);
  if (attrs.symbolicMode !== undefined) {
    // worked out on an empty probe file under the caller's umask, so the temp file never holds the data with a wider mode
    steps.push(`m=$(p=$(mktemp) && (umask "$u"; chmod "$m" "$p" && chmod ${quote(attrs.symbolicMode)} "$p") && stat -c %a "$p"; r=$?; rm -f "$p"; exit $r)`);
  }
  steps.push(attrs.mode !== undefined ? `chmod ${attrs.mode.toString(8)} "$t"` : 'chmod "$m" "$t"');
  steps.push(`if [ -d ${d} ] && [ ! -L ${d} ]; then echo ${quote(`${dest}: is a directory`)} >&2; false; else mv -f "$t" ${d}; fi`);
  return `{ ${steps.join(' && ')}; }`;
}
