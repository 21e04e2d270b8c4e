// copy: content or a controller file (or directory) to the target.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { quote } from '../../connections/shell-quote.js';
import { pyJson } from '../../templating/python-repr.js';
import { normalizeMode, statPath } from '../remote/file-state.js';
import { writeContent } from '../remote/write-content.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../types.js';
import { ANSIBLE_MANAGED } from '../../templating/lookups/template.js';
import { readSharedLocalFile } from './shared-local-file.js';

const ATTRS = {
  mode: { type: 'raw' },
  owner: { type: 'str' },
  group: { type: 'str' },
  backup: { type: 'bool', default: false },
  force: { type: 'bool', default: true, aliases: ['thirsty'] },
} as const;

async function copyDir(ctx: ModuleContext, local: string, dest: string): Promise<ModuleResult> {
  let changed = false;
  const walk = async (dir: string, target: string): Promise<void> => {
    const st = await statPath(ctx, target, false);
    if (!st.exists) {
      changed = true;
      if (!ctx.check) {
        // directory_mode goes to the directories this copy creates, never to ones that were there (as Ansible)
        const mode = ctx.args.directory_mode === undefined || ctx.args.directory_mode === null ? undefined : normalizeMode(ctx.args.directory_mode);
        const made = `set --; p=${quote(target)}; while [ ! -e "$p" ] && [ ! -L "$p" ]; do set -- "$p" "$@"; p=$(dirname "$p"); done; `;
        const r = await ctx.conn.exec(mode ? `${made}mkdir -p ${quote(target)} && chmod ${quote(mode)} "$@"` : `mkdir -p ${quote(target)}`, { become: ctx.become });
        if (r.rc !== 0) throw new Error(r.stderr.trim());
      }
    }
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) await walk(p, posix.join(target, name));
      else {
        const vault = vaultRefusal(ctx, p);
        if (vault) throw new Error(vault);
        const r = await writeContent(ctx, { ...ctx.args, mode: localMode(ctx.args.mode, p), follow: Boolean(ctx.args.follow), dest: posix.join(target, name), content: readSharedLocalFile(p) });
        if (r.failed) throw new Error(String(r.msg));
        changed ||= r.changed;
      }
    }
  };
  await walk(local, dest);
  return { changed, dest };
}

/** Drover has no Ansible Vault: an encrypted src is refused (unless decrypt=false asks for it as it is) rather than copied as ciphertext. */
function vaultRefusal(ctx: ModuleContext, file: string): string | undefined {
  if (ctx.args.decrypt === false) return undefined;
  const head = Buffer.alloc(15);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return head.toString('latin1') === '$ANSIBLE_VAULT;' ? `${file} is encrypted with Ansible Vault, which Drover cannot decrypt (decrypt: false copies it as it is)` : undefined;
}

/** `mode: preserve` as the mode of a controller file (as Ansible's copy and template), else mode as given. */
function localMode(mode: unknown, file: string): unknown {
  return mode === 'preserve' ? (statSync(file).mode & 0o7777).toString(8).padStart(4, '0') : mode;
}

/** Ansible's copy module. */
export const copyModule: ModuleDef = {
  name: 'copy',
  supportsCheck: true,
  args: {
    src: { type: 'path' },
    content: { type: 'raw', noLog: true },
    dest: { type: 'path', required: true },
    remote_src: { type: 'bool', default: false },
    directory_mode: { type: 'raw' },
    follow: { type: 'bool', default: false },
    // a controller-side link is always followed (read as the file it points to); false is refused, not ignored
    local_follow: { type: 'bool', default: true, choices: [true] },
    decrypt: { type: 'bool', default: true },
    checksum: { type: 'str' },
    validate: { type: 'str' },
    ...ATTRS,
  },
  async run(ctx) {
    const a = ctx.args;
    const dest = String(a.dest);
    if (a.content !== undefined && a.content !== null) {
      if (a.src !== undefined) return { changed: false, failed: true, msg: 'src and content are mutually exclusive' };
      const text = typeof a.content === 'string' ? a.content : pyJson(a.content);
      // preserve keeps the mode of Ansible's private temp file holding the content: 0600
      return writeContent(ctx, { ...a, mode: a.mode === 'preserve' ? '0600' : a.mode, follow: Boolean(a.follow), dest, content: Buffer.from(text) });
    }
    if (a.src === undefined || a.src === null) return { changed: false, failed: true, msg: 'src (or content) is required' };
    const src = String(a.src);
    if (a.remote_src) {
      const data = await ctx.conn.get(src, { become: ctx.become });
      const mode = a.mode === 'preserve' ? (await statPath(ctx, src, false, true)).mode : a.mode;
      return writeContent(ctx, { ...a, mode, follow: Boolean(a.follow), dest, content: data, nameIfDir: posix.basename(src) });
    }
    const local = ctx.findFile('files', src);
    let st;
    try {
      st = statSync(local);
    } catch {
      return { changed: false, failed: true, msg: `Could not find or access '${src}'` };
    }
    if (st.isDirectory()) {
      // "dir/" copies the contents; "dir" copies the directory itself into dest
      const target = src.endsWith('/') ? dest : posix.join(dest, basename(local));
      return copyDir(ctx, local, target);
    }
    const vault = vaultRefusal(ctx, local);
    if (vault) return { changed: false, failed: true, msg: vault };
    return writeContent(ctx, { ...a, mode: localMode(a.mode, local), follow: Boolean(a.follow), dest, content: readSharedLocalFile(local), nameIfDir: basename(local) });
  },
};

/** Ansible's template module: render a controller-side Jinja2 file and copy the result. */
export const templateModule: ModuleDef = {
  name: 'template',
  supportsCheck: true,
  args: {
    src: { type: 'path', required: true },
    dest: { type: 'path', required: true },
    // Drover's template engine renders with these settings (Ansible's defaults); others are refused, not ignored
    newline_sequence: { type: 'str', default: '\n', choices: ['\n'] },
    trim_blocks: { type: 'bool', default: true, choices: [true] },
    lstrip_blocks: { type: 'bool', default: false, choices: [false] },
    validate: { type: 'str' },
    follow: { type: 'bool', default: false },
    output_encoding: { type: 'str', default: 'utf-8', choices: ['utf-8', 'utf8', 'UTF-8', 'UTF8'] },
    ...ATTRS,
  },
  async run(ctx) {
    const local = ctx.findFile('templates', String(ctx.args.src));
    let text: string;
    try {
      text = readFileSync(local, 'utf8');
    } catch {
      return { changed: false, failed: true, msg: `Could not find or access '${ctx.args.src}'` };
    }
    const rendered = ctx.render(text, { template_path: local, template_host: ctx.host, ansible_managed: ANSIBLE_MANAGED });
    const a = ctx.args;
    return writeContent(ctx, { ...a, mode: localMode(a.mode, local), follow: Boolean(a.follow), dest: String(a.dest), content: Buffer.from(rendered), nameIfDir: basename(local).replace(/\.j2$/, '') });
  },
};
