// pipe and lines: a shell command run on the controller, in the playbook directory.
import { spawnSync } from 'node:child_process';
import { baseDir } from './search-path.js';
import type { LookupContext, LookupRun } from './types.js';

function runShell(command: string, ctx: LookupContext, kind: string): string {
  const r = spawnSync('/bin/sh', ['-c', command], { cwd: baseDir(ctx.vars), encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`lookup_plugin.${kind}(${command}) returned ${r.status ?? -1}`);
  return r.stdout;
}

/** Each term's stdout, trailing whitespace stripped; a non-zero exit is an error. */
export const pipe: LookupRun = (terms, _options, ctx) => terms.map((t) => runShell(String(t), ctx, 'pipe').trimEnd());

/** Each term's stdout, one item per line. */
export const lines: LookupRun = (terms, _options, ctx) =>
  terms.flatMap((t) => runShell(String(t), ctx, 'lines').split(/\r\n|\r|\n/).filter((_, i, a) => i < a.length - 1 || a[i] !== ''));
