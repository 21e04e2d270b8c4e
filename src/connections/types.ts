// The one contract every transport (local, ssh, kubernetes) implements.
// Non-zero exit codes are data (ExecResult.rc); only a transport failure throws, and it
// throws UnreachableError so the executor can tell "unreachable" from "failed".
import type { Readable } from 'node:stream';

/** Privilege escalation requested for one exec. */
export interface BecomeOptions {
  method: 'sudo' | 'su';
  user: string;
  password?: string;
  flags?: string;
}

export interface ExecOptions {
  /** Bytes fed to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the command after this many milliseconds (rc 124, timedOut true). */
  timeoutMs?: number;
  become?: BecomeOptions;
  /** Aborted on Ctrl-C: the command is stopped and exec resolves with rc 130. */
  signal?: AbortSignal;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

/**
 * A put replaces the file atomically: a 0600 temp file beside it gets the final owner, group
 * and mode before the rename. Unless asked otherwise, a replaced regular file keeps its owner,
 * group and mode; a new file gets 0666 minus the umask. put never follows a symlink at the
 * path (it replaces the link): callers that follow links resolve the path first.
 */
export interface PutOptions {
  /** Octal string ("0644") or number, or chmod's symbolic form ("u=rw,g=r,o=") applied to the mode the file would get. */
  mode?: string | number;
  /** User name or uid. */
  owner?: string | number;
  /** Group name or gid. */
  group?: string | number;
  become?: BecomeOptions;
}

export interface Connection {
  /** inventory_hostname this connection serves. */
  readonly host: string;
  /** 'local' | 'ssh' | 'kubernetes' */
  readonly transport: string;
  /** Idempotent; called lazily before the first exec. Throws UnreachableError. */
  connect(): Promise<void>;
  /** Run a POSIX sh command line on the target. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Write bytes to a remote path atomically (see PutOptions). */
  put(content: Buffer, remotePath: string, options?: PutOptions): Promise<void>;
  /** Read a remote file's bytes. Throws an Error (not UnreachableError) if it cannot be read. */
  get(remotePath: string, options?: { become?: BecomeOptions }): Promise<Buffer>;
  /**
   * A remote file's bytes as a stream (never the whole file in memory); the stream errors if
   * the file cannot be read to its end. Optional: a transport without it is read with get.
   */
  getStream?(remotePath: string, options?: { become?: BecomeOptions }): Promise<Readable>;
  /** put from a stream (same atomic replace and PutOptions), for files too big to hold in memory. Optional, as getStream. */
  putStream?(source: Readable, remotePath: string, options?: PutOptions): Promise<void>;
  close(): Promise<void>;
}

/** Transport-level failure: the host could not be reached or the channel broke. */
export class UnreachableError extends Error {
  constructor(
    message: string,
    readonly host: string,
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/** Settings a connection plugin reads from the host's merged variables. */
export type HostVars = Record<string, unknown>;

export interface ConnectionFactory {
  readonly transport: string;
  create(host: string, vars: HostVars): Connection;
  /**
   * Identifies the settings `create` would read from `vars` (see settings-key.ts): equal keys
   * may share one connection, so a task with another user or port does not reuse the host's.
   */
  settingsKey?(host: string, vars: HostVars): string;
}
