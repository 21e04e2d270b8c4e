// command: run a program with arguments, no shell (quoted word by word).
import { quoteArgs } from '../../connections/shell-quote.js';
import type { ModuleDef } from '../types.js';
import { argvLine } from './expand-argv.js';
import { runCommandLine } from './run-command.js';
import { shlexSplit } from './shlex.js';

const COMMON = {
  chdir: { type: 'path' },
  creates: { type: 'path' },
  removes: { type: 'path' },
  stdin: { type: 'str' },
  stdin_add_newline: { type: 'bool', default: true },
  strip_empty_ends: { type: 'bool', default: true },
} as const;

/** Ansible's command module. */
export const commandModule: ModuleDef = {
  name: 'command',
  freeForm: true,
  supportsCheck: true,
  args: { ...COMMON, cmd: { type: 'str' }, argv: { type: 'list' }, expand_argument_vars: { type: 'bool', default: true } },
  async run(ctx) {
    const raw = (ctx.args.cmd ?? ctx.args._raw_params) as string | undefined;
    let argv: string[];
    if (ctx.args.argv) argv = (ctx.args.argv as unknown[]).map(String);
    else if (raw !== undefined && String(raw).trim() !== '') argv = shlexSplit(String(raw));
    else return { changed: false, failed: true, msg: 'no command given', rc: 256 };
    // as Ansible's run_command: no shell, but $VAR, ${VAR} and a leading ~ expand on the target unless expand_argument_vars is false
    return runCommandLine(ctx, argvLine(argv, ctx.args.expand_argument_vars !== false), argv);
  },
};

/** Ansible's shell module: the text runs through sh (pipes, redirects, globs). */
export const shellModule: ModuleDef = {
  name: 'shell',
  freeForm: true,
  supportsCheck: true,
  args: { ...COMMON, cmd: { type: 'str' }, executable: { type: 'path' } },
  async run(ctx) {
    const text = String(ctx.args.cmd ?? ctx.args._raw_params ?? '');
    if (!text.trim()) return { changed: false, failed: true, msg: 'no command given', rc: 256 };
    const line = ctx.args.executable ? `${ctx.args.executable} -c ${quoteArgs([text])}` : text;
    return runCommandLine(ctx, line, text);
  },
};

/** Ansible's raw module: the text as is, no checks. */
export const rawModule: ModuleDef = {
  name: 'raw',
  freeForm: true,
  supportsCheck: false,
  args: { executable: { type: 'path' } },
  async run(ctx) {
    const text = String(ctx.args._raw_params ?? '');
    // as Ansible's raw action: `executable -c 'text'`, the executable as written
    const line = ctx.args.executable ? `${ctx.args.executable} -c ${quoteArgs([text])}` : text;
    const r = await ctx.conn.exec(line, { become: ctx.become, signal: ctx.signal });
    return { changed: true, rc: r.rc, stdout: r.stdout, stderr: r.stderr, failed: r.rc !== 0 ? true : undefined, msg: r.rc !== 0 ? 'non-zero return code' : undefined };
  },
};
