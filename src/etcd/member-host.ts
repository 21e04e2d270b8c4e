// How the etcd commands reach a member's host: the inventory's connection settings with -e on
// top, become when the inventory asks for it (etcd's client key and units need root), a connect
// timeout bounded by the probe timeout, and a clear refusal for a non-root login without become.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Inventory } from '../inventory/types.js';
import type { BecomeOptions, Connection, ExecResult } from '../connections/types.js';
import { ConnectionPool, transportFor } from '../executor/connection-pool.js';
import { toBool } from '../templating/lookups/to-bool.js';

/** A member host as the etcd commands use it: vars, connection and the become every command runs with. */
export interface MemberHost {
  name: string;
  vars: Record<string, unknown>;
  conn: Connection;
  become?: BecomeOptions;
  exec(cmd: string, timeoutMs?: number): Promise<ExecResult>;
  put(data: Buffer, path: string): Promise<void>;
  get(path: string): Promise<Buffer>;
  /** A remote file as a stream (a transport without streaming is read whole). */
  getStream(path: string): Promise<Readable>;
  /** Upload a local file (0600), streamed so a 1 GB snapshot is never in memory (a transport without streaming gets it whole). */
  putFile(localPath: string, path: string): Promise<void>;
}

/** Raised when a host's settings cannot work for the etcd commands (caller maps it to "invalid input"). */
export class AccessRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessRefused';
  }
}

/** A host's vars with the -e values on top (Ansible's highest precedence). */
export function memberVars(inventory: Inventory, host: string, extraVars: Record<string, unknown>): Record<string, unknown> {
  return { ...inventory.hostVars(host), ...extraVars };
}

/** Become from the ansible_become* vars; refuses a non-root login without become. */
export function memberBecome(host: string, vars: Record<string, unknown>): BecomeOptions | undefined {
  const user = vars.ansible_user ?? vars.ansible_ssh_user ?? vars.remote_user;
  const on = vars.ansible_become !== undefined && toBool(vars.ansible_become);
  if (!on) {
    if (user !== undefined && String(user) !== 'root' && transportFor(vars) === 'ssh') {
      throw new AccessRefused(`${host}: logs in as '${String(user)}' without ansible_become; etcd's client key and the etcd/kube-apiserver units need root, so set ansible_become=true (sudo) or log in as root`);
    }
    return undefined;
  }
  const method = String(vars.ansible_become_method ?? 'sudo');
  if (method !== 'sudo' && method !== 'su') throw new AccessRefused(`${host}: become method '${method}' is not supported by the etcd commands (sudo, su)`);
  const pw = vars.ansible_become_pass ?? vars.ansible_become_password;
  return { method, user: String(vars.ansible_become_user ?? 'root'), password: pw === undefined || pw === null ? undefined : String(pw), flags: vars.ansible_become_flags === undefined ? undefined : String(vars.ansible_become_flags) };
}

const CONNECT_TIMEOUT_VARS = ['drover_ssh_connect_timeout', 'ansible_ssh_timeout', 'ansible_timeout'];

/** Open (lazily) a member host's connection; a connect timeout the inventory does not set is the probe timeout. */
export async function openMember(pool: ConnectionPool, name: string, vars: Record<string, unknown>, probeTimeoutS: number): Promise<MemberHost> {
  const become = memberBecome(name, vars);
  const connVars = CONNECT_TIMEOUT_VARS.some((k) => vars[k] !== undefined) ? vars : { ...vars, drover_ssh_connect_timeout: Math.max(1, Math.ceil(probeTimeoutS)) };
  const conn = await pool.get(name, transportFor(connVars), connVars);
  return {
    name,
    vars,
    conn,
    become,
    exec: (cmd, timeoutMs) => conn.exec(cmd, { become, timeoutMs }),
    put: (data, path) => conn.put(data, path, { mode: '0600', become }),
    get: (path) => conn.get(path, { become }),
    getStream: async (path) => (conn.getStream ? conn.getStream(path, { become }) : Readable.from([await conn.get(path, { become })])),
    putFile: async (localPath, path) => (conn.putStream ? conn.putStream(createReadStream(localPath, { highWaterMark: 256 * 1024 }), path, { mode: '0600', become }) : conn.put(await readFile(localPath), path, { mode: '0600', become })),
  };
}
