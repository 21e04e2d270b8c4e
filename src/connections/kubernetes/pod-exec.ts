// One command in a pod over client-node's exec WebSocket, as raw bytes and an exit code.
// client-node resolves its promise when the socket opens; the command's end is the status
// frame (channel 3) plus the socket closing, so this module waits for both itself.
import { Readable, Writable } from 'node:stream';
import type { V1Status } from '@kubernetes/client-node';
import { takeExitTrailer } from './pod-framing.js';

/** Where a command runs. */
export interface PodTarget {
  namespace: string;
  pod: string;
  /** Empty: the API server picks the pod's only container. */
  container?: string;
}

/** What this module needs of the exec WebSocket client-node hands back. */
export interface ExecSocket {
  readonly readyState: number;
  close(): void;
  terminate(): void;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** The part of client-node's `Exec` used here (unit tests pass a fake). */
export interface PodExecApi {
  exec(
    namespace: string,
    pod: string,
    container: string,
    command: string[],
    stdout: Writable,
    stderr: Writable,
    stdin: Readable | null,
    tty: boolean,
    statusCallback: (status: V1Status) => void,
  ): Promise<ExecSocket>;
}

export interface RawExecOptions {
  /** Streamed to the command (parts in order, never concatenated), then stdin is closed ([255, 0] on v5). */
  stdin?: Buffer | readonly Buffer[];
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How long opening the WebSocket may take. */
  connectTimeoutMs: number;
  /** Open sockets are kept here while their command runs, so a close() can end them. */
  sockets?: Set<ExecSocket>;
  /** Sees stderr as it arrives (the command's process group id is announced there). */
  onStderr?: (chunk: Buffer) => void;
  /** Ends the command in the pod (closing the stream does not); the stream closes after it. */
  onStop?: () => Promise<void>;
  /** The command reports its rc as a trailer on stderr (pod-framing.ts): read it from there, not from the status frame. */
  nonce?: string;
}

/** A finished command; stdout and stderr as bytes (file transfer needs them unmangled). */
export interface RawExecResult {
  rc: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut?: boolean;
  interrupted?: boolean;
}

/** The exec stream could not be opened or broke: the pod is unreachable for this command. */
export class PodExecError extends Error {
  constructor(
    message: string,
    /** HTTP status of a refused upgrade. */
    readonly httpStatus?: number,
    /** Worth trying again (connection refused, 5xx, 429). */
    readonly retryable = false,
    /** The command started but its shell vanished before reporting (pod deleted, container killed). */
    readonly lost = false,
  ) {
    super(message);
    this.name = 'PodExecError';
  }
}

const CLOSED = 3;
const STDIN_CHUNK = 64 * 1024;
// after close() a server has this long to answer the close handshake before the socket is cut
const CLOSE_GRACE_MS = 2000;
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** The exit code a v4/v5 status frame carries: Success is 0, else the ExitCode cause. Throws PodExecError otherwise. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const rc = cause ? Number(cause.message) : NaN;
  if (Number.isInteger(rc) && rc >= 0) return rc;
  throw new PodExecError(`exec failed: ${status.message ?? status.reason ?? JSON.stringify(status)}`);
}

/** Turn client-node's rejection (a ws ErrorEvent, or an Error) into a PodExecError. */
export function openError(err: unknown): PodExecError {
  const inner = (err as { error?: unknown })?.error instanceof Error ? (err as { error: Error }).error : err;
  const message = inner instanceof Error ? inner.message : String((err as { message?: unknown })?.message ?? err);
  const code = (inner as NodeJS.ErrnoException)?.code;
  const http = /Unexpected server response: (\d{3})/.exec(message);
  if (http) {
    const status = Number(http[1]);
    return new PodExecError(`HTTP ${status}`, status, RETRYABLE_STATUS.has(status));
  }
  return new PodExecError(code && !message.includes(code) ? `${code}: ${message}` : message, undefined, code !== undefined && RETRYABLE_CODES.has(code));
}

/** Bytes in stdin parts. */
export function stdinLength(data: Buffer | readonly Buffer[]): number {
  return Buffer.isBuffer(data) ? data.length : data.reduce((n, b) => n + b.length, 0);
}

function chunked(data: Buffer | readonly Buffer[]): Readable {
  const parts = Buffer.isBuffer(data) ? [data] : data;
  function* slices(): Generator<Buffer> {
    for (const part of parts) for (let i = 0; i < part.length; i += STDIN_CHUNK) yield part.subarray(i, i + STDIN_CHUNK);
  }
  return Readable.from(slices(), { objectMode: false });
}

function collector(chunks: Buffer[], onFinish: () => void, onChunk?: (chunk: Buffer) => void): Writable {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      onChunk?.(chunks[chunks.length - 1]!);
      cb();
    },
  });
  w.on('finish', onFinish);
  // a frame after the status frame would be a write after end: ignore it rather than crash
  w.on('error', () => undefined);
  return w;
}

/** Run argv in a pod; resolves with its exit code (non-zero is data), rejects with PodExecError. */
export function podExec(api: PodExecApi, target: PodTarget, argv: string[], options: RawExecOptions): Promise<RawExecResult> {
  const { stdin, timeoutMs, signal, connectTimeoutMs, sockets, onStderr, onStop, nonce } = options;
  return new Promise<RawExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let finished = 0;
    let status: V1Status | undefined;
    let socket: ExecSocket | undefined;
    let closed = false;
    let socketError: string | undefined;
    let stopped: 'timeout' | 'interrupt' | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      if (socket) sockets?.delete(socket);
      fn();
    };
    const bytes = (): { stdout: Buffer; stderr: Buffer } => ({ stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    const check = (): void => {
      if (settled) return;
      if (stopped) {
        if (socket && !closed) return;
        const note = stopped === 'timeout' ? `command timed out after ${timeoutMs} ms\n` : 'interrupted\n';
        const b = bytes();
        const r = { rc: stopped === 'timeout' ? 124 : 130, stdout: b.stdout, stderr: Buffer.concat([b.stderr, Buffer.from(note)]) };
        return settle(() => resolve(stopped === 'timeout' ? { ...r, timedOut: true } : { ...r, interrupted: true }));
      }
      if (nonce) {
        // the streams end when the socket closes, after every frame has been written to them
        if (finished < 2) return;
        const b = bytes();
        const t = takeExitTrailer(b.stderr, nonce);
        if (t) return settle(() => resolve({ rc: t.rc, stdout: b.stdout, stderr: t.stderr }));
        const killed = status?.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
        const said = killed ? ` (its shell ended with code ${killed})` : status && status.status !== 'Success' ? ` (${status.reason ?? status.message})` : socketError ? ` (${socketError})` : '';
        return settle(() => reject(new PodExecError(`the command's shell in the pod ended without reporting its exit code${said}`, undefined, false, true)));
      }
      if (status && (closed || finished === 2)) {
        const s = status;
        return settle(() => {
          try {
            resolve({ rc: exitCodeOf(s), ...bytes() });
          } catch (e) {
            reject(e);
          }
        });
      }
      if (closed) settle(() => reject(new PodExecError(`the exec stream closed before the command's exit status arrived${socketError ? ` (${socketError})` : ''}`)));
    };
    const cut = (): void => {
      if (socket && !closed) {
        socket.close();
        const s = socket;
        timers.push(setTimeout(() => (s.terminate(), (closed = true), check()), CLOSE_GRACE_MS));
      }
      check();
    };
    const stop = (why: 'timeout' | 'interrupt'): void => {
      if (settled || stopped) return;
      stopped = why;
      if (onStop && socket && !closed) void onStop().finally(cut);
      else cut();
    };
    function onAbort(): void {
      stop('interrupt');
    }

    if (signal?.aborted) return stop('interrupt');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs) timers.push(setTimeout(() => stop('timeout'), timeoutMs));
    const opening = setTimeout(() => settle(() => reject(new PodExecError(`the exec stream did not open within ${connectTimeoutMs} ms`))), connectTimeoutMs);
    timers.push(opening);

    const onFinish = (): void => {
      finished++;
      check();
    };
    const input = stdin !== undefined ? chunked(stdin) : null;
    api
      .exec(target.namespace, target.pod, target.container ?? '', argv, collector(out, onFinish), collector(err, onFinish, onStderr), input, false, (s) => {
        status = s;
        check();
      })
      .then(
        (ws) => {
          // answered already (stopped, or the open took too long): nobody waits for this socket
          if (settled) return ws.close();
          clearTimeout(opening);
          socket = ws;
          sockets?.add(ws);
          ws.on('error', (e) => (socketError ??= e.message));
          ws.on('close', () => {
            closed = true;
            check();
          });
          if (ws.readyState === CLOSED) closed = true;
          check();
        },
        (e: unknown) => settle(() => reject(openError(e))),
      );
  });
}
