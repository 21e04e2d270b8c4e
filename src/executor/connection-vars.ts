// The variables a task's connection is made from: its own vars (task, block and play vars
// included) with the connection settings templated, and the remote_user: and port: keywords in
// the place Ansible gives them: below the host's ansible_user/ansible_port, above -u and the
// config file. The pool keys connections by what this returns, so a task that changes them
// gets its own connection.
import { CLI_VAR } from '../connections/cli-defaults.js';
import { KUBERNETES_SETTINGS } from '../connections/kubernetes/settings.js';
import { SSH_SETTINGS } from '../connections/ssh/settings.js';
import type { Inheritable } from '../playbook/model.js';

type Vars = Record<string, unknown>;

// every variable a transport reads: Ansible templates these before the connection sees them
const CONNECTION_VARS = [...new Set([...Object.values(SSH_SETTINGS), ...Object.values(KUBERNETES_SETTINGS)].flatMap((s) => s.names))];

/** A rendered port: keyword as Ansible's int field takes it, or an error naming the value. */
function portNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`the field 'port' has an invalid value (${String(value)}): it must be a TCP port number (1-65535)`);
  return n;
}

/**
 * `vars` as the connection reads them, for a task (or a play's fact gathering) with keywords
 * `ctx`. `render` templates with `vars`; `renderKeyword` with the task host's own vars, which
 * differ from `vars` when the task is delegated (Ansible templates keywords for the task's host).
 */
export function connectionVars(vars: Vars, ctx: Pick<Inheritable, 'remoteUser' | 'port'>, render: (template: unknown) => unknown, renderKeyword = render): Vars {
  const out: Vars = { ...vars };
  for (const name of CONNECTION_VARS) {
    const v = out[name];
    if (typeof v === 'string' && (v.includes('{{') || v.includes('{%'))) out[name] = render(v);
  }
  // keywords sit in the command line's place: the host's own vars still beat them
  if (ctx.remoteUser !== undefined) out[CLI_VAR.user] = String(renderKeyword(ctx.remoteUser));
  if (ctx.port !== undefined) out[CLI_VAR.port] = portNumber(renderKeyword(ctx.port));
  return out;
}
