// wait_for: a TCP port opening or closing, or a file appearing, disappearing or containing a
// pattern, polled from the controller through the target (so it tests from where Ansible does).
import { setTimeout as sleep } from 'node:timers/promises';
import { quote } from '../../connections/shell-quote.js';
import type { ModuleDef } from '../types.js';

// sh has no /dev/tcp: try nc, then bash's /dev/tcp, then a tiny python if present
function portProbe(host: string, port: number, timeout: number): string {
  const h = quote(host);
  return `if command -v nc >/dev/null 2>&1; then nc -z -w ${timeout} ${h} ${port}; elif command -v bash >/dev/null 2>&1; then timeout ${timeout} bash -c 'exec 3<>/dev/tcp/'${h}'/${port}' 2>/dev/null; else exit 3; fi`;
}

/** Ansible's wait_for module (port and path forms). */
export const waitForModule: ModuleDef = {
  name: 'wait_for',
  supportsCheck: true,
  args: {
    host: { type: 'str', default: '127.0.0.1' },
    port: { type: 'int' },
    path: { type: 'path' },
    search_regex: { type: 'str' },
    // not drained: Ansible's counts the port's active connections in /proc/net/tcp*, which Drover does not read (it was taken as stopped)
    state: { type: 'str', default: 'started', choices: ['started', 'stopped', 'present', 'absent'] },
    delay: { type: 'int', default: 0 },
    timeout: { type: 'int', default: 300 },
    connect_timeout: { type: 'int', default: 5 },
    sleep: { type: 'int', default: 1 },
    msg: { type: 'str' },
  },
  async run(ctx) {
    const a = ctx.args;
    const start = Date.now();
    if (Number(a.delay) > 0) await sleep(Number(a.delay) * 1000, undefined, { signal: ctx.signal }).catch(() => undefined);
    const deadline = start + Number(a.timeout) * 1000;
    const wantUp = a.state === 'started' || a.state === 'present';
    const check = async (): Promise<boolean> => {
      if (a.port !== undefined && a.port !== null) {
        const r = await ctx.conn.exec(portProbe(String(a.host), Number(a.port), Number(a.connect_timeout)), { become: ctx.become });
        if (r.rc === 3) throw new Error('wait_for on a port needs nc or bash on the target');
        return (r.rc === 0) === wantUp;
      }
      if (a.path) {
        const p = quote(String(a.path));
        if (a.search_regex && wantUp) {
          const r = await ctx.conn.exec(`test -e ${p} && grep -Eq ${quote(String(a.search_regex))} ${p}`, { become: ctx.become });
          return r.rc === 0;
        }
        const r = await ctx.conn.exec(`test -e ${p}`, { become: ctx.become });
        return (r.rc === 0) === wantUp;
      }
      return true;
    };
    for (;;) {
      if (await check()) return { changed: false, elapsed: Math.round((Date.now() - start) / 1000), state: a.state, port: a.port, path: a.path };
      if (Date.now() >= deadline || ctx.signal.aborted) {
        const what = a.port !== undefined && a.port !== null ? `${a.host}:${a.port}` : String(a.path);
        return { changed: false, failed: true, elapsed: Math.round((Date.now() - start) / 1000), msg: a.msg ?? `Timeout when waiting for ${what}` };
      }
      await sleep(Number(a.sleep) * 1000, undefined, { signal: ctx.signal }).catch(() => undefined);
    }
  },
};
