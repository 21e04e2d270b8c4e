// ping: proves the host can be reached and runs a command (Ansible's needs Python there; ours, sh).
import type { ModuleDef } from '../types.js';

/** What Ansible's ping module reports when `data=crash` makes it raise on purpose. */
const CRASH = {
  changed: false,
  failed: true,
  msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error',
  module_stdout: '',
  module_stderr: 'Exception: boom\n',
  rc: 1,
} as const;

/** Ansible's ping module: `ping: pong`, or `ping: DATA`; `data=crash` fails as Ansible's does. */
export const pingModule: ModuleDef = {
  name: 'ping',
  supportsCheck: true,
  args: { data: { type: 'str', default: 'pong' } },
  async run(ctx) {
    // a round trip through the connection (and become), so an unreachable host or a broken
    // sudo shows here, as it does with Ansible's module run
    const r = await ctx.conn.exec('echo pong', { become: ctx.become, signal: ctx.signal });
    if (r.rc !== 0 || r.stdout.trim() !== 'pong') {
      return { changed: false, failed: true, msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error', module_stdout: r.stdout, module_stderr: r.stderr, rc: r.rc };
    }
    if (ctx.args.data === 'crash') return { ...CRASH };
    return { changed: false, ping: ctx.args.data };
  },
};
