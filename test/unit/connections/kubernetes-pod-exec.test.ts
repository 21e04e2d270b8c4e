// podExec against a fake of client-node's Exec that behaves as client-node does: the promise
// resolves when the socket opens, a status frame ends stdout/stderr and then the socket closes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { V1Status } from '@kubernetes/client-node';
import { exitCodeOf, openError, podExec, PodExecError, type ExecSocket, type PodExecApi } from '../../../src/connections/kubernetes/pod-exec.js';

const target = { namespace: 'ns', pod: 'web-1' };
const SUCCESS: V1Status = { metadata: {}, status: 'Success' };
const exitWith = (rc: number, message = `command terminated with non-zero exit code: exit code ${rc}`): V1Status => ({ metadata: {}, status: 'Failure', message, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(rc) }] } });

class FakeSocket extends EventEmitter implements ExecSocket {
  readyState = 1;
  closeCalls = 0;
  terminated = false;
  constructor(private readonly answerClose = true) {
    super();
  }
  close(): void {
    this.closeCalls++;
    if (this.answerClose && this.readyState === 1) {
      this.readyState = 2;
      setImmediate(() => this.closed());
    }
  }
  terminate(): void {
    this.terminated = true;
    this.closed();
  }
  closed(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close');
  }
}

interface Session {
  socket: FakeSocket;
  argv: string[];
  container: string;
  stdout: Writable;
  stderr: Writable;
  stdin: Readable | null;
  /** Send a status frame the way client-node handles one: end both streams, report, close. */
  finish(status: V1Status, closeSocket?: boolean): void;
  /** Only report a status (streams stay open, socket stays open). */
  report(status: V1Status): void;
}

/** A fake Exec; `script` plays the server's side of each session. */
function fakeApi(script: (s: Session) => void | Promise<void>, options: { reject?: unknown; openDelayMs?: number; answerClose?: boolean } = {}): PodExecApi & { sessions: Session[] } {
  const sessions: Session[] = [];
  return {
    sessions,
    async exec(_ns, _pod, container, command, stdout, stderr, stdin, _tty, statusCallback) {
      if (options.openDelayMs) await new Promise((r) => setTimeout(r, options.openDelayMs));
      if (options.reject) throw options.reject;
      const socket = new FakeSocket(options.answerClose ?? true);
      const s: Session = {
        socket,
        argv: command,
        container,
        stdout,
        stderr,
        stdin,
        finish(status, closeSocket = true) {
          stdout.end();
          stderr.end();
          statusCallback(status);
          if (closeSocket) socket.close();
        },
        report: statusCallback,
      };
      sessions.push(s);
      setImmediate(() => void script(s));
      return socket;
    },
  };
}

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('Success is rc 0; stdout and stderr stay apart, as bytes', async () => {
  const api = fakeApi((s) => {
    s.stdout.write(Buffer.from([0xff, 0x00, 0x41]));
    s.stderr.write('warn\n');
    s.finish(SUCCESS);
  });
  const r = await podExec(api, target, ['/bin/sh', '-c', 'x'], { connectTimeoutMs: 1000 });
  assert.equal(r.rc, 0);
  assert.deepEqual(r.stdout, Buffer.from([0xff, 0x00, 0x41]));
  assert.equal(r.stderr.toString(), 'warn\n');
  assert.deepEqual(api.sessions[0]!.argv, ['/bin/sh', '-c', 'x']);
  assert.equal(api.sessions[0]!.container, '', 'no container: the server picks');
});

test('the exit code comes from the ExitCode cause, never from the message', async () => {
  assert.equal(exitCodeOf(exitWith(7)), 7);
  assert.equal(exitCodeOf(exitWith(3, 'command terminated with non-zero exit code: exit code 99')), 3);
  assert.throws(() => exitCodeOf({ status: 'Failure', message: 'exec: "/bin/sh": stat /bin/sh: no such file or directory', reason: 'InternalError' }), (e: Error) => e instanceof PodExecError && /no such file/.test(e.message));
  const api = fakeApi((s) => s.finish(exitWith(42)));
  assert.equal((await podExec(api, target, ['true'], { connectTimeoutMs: 1000 })).rc, 42);
});

test('waits for the socket to close (or both streams to end) after the status frame', async () => {
  let closedAt = 0;
  const api = fakeApi((s) => {
    // status without ending the streams: only the close may finish the command
    s.stdout.write('early\n');
    s.report(SUCCESS);
    setTimeout(() => {
      s.stdout.write('late\n');
      closedAt = Date.now();
      s.socket.closed();
    }, 100);
  });
  const r = await podExec(api, target, ['true'], { connectTimeoutMs: 1000 });
  assert.ok(closedAt > 0 && Date.now() >= closedAt, 'resolved only after the close');
  assert.equal(r.stdout.toString(), 'early\nlate\n');
});

test('a socket that closes without a status is a transport failure', async () => {
  const api = fakeApi((s) => {
    s.stdout.write('partial');
    s.socket.emit('error', new Error('read ECONNRESET'));
    s.socket.closed();
  });
  await assert.rejects(podExec(api, target, ['true'], { connectTimeoutMs: 1000 }), (e: Error) => e instanceof PodExecError && /closed before the command's exit status arrived \(read ECONNRESET\)/.test(e.message));
});

test('refused upgrades and refused connections are told apart', () => {
  const e404 = openError({ error: new Error('Unexpected server response: 404'), message: 'Unexpected server response: 404' });
  assert.equal(e404.httpStatus, 404);
  assert.equal(e404.retryable, false);
  assert.equal(openError({ error: new Error('Unexpected server response: 503') }).retryable, true);
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const r = openError({ error: refused, message: refused.message });
  assert.equal(r.httpStatus, undefined);
  assert.equal(r.retryable, true);
  assert.match(r.message, /ECONNREFUSED 127\.0\.0\.1:1/);
});

test('open failures reject with PodExecError', async () => {
  const api = fakeApi(() => undefined, { reject: { error: new Error('Unexpected server response: 404') } });
  await assert.rejects(podExec(api, target, ['true'], { connectTimeoutMs: 1000 }), (e: PodExecError) => e.httpStatus === 404);
});

test('timeout: the socket is closed, rc 124, timedOut, output so far kept', async () => {
  const api = fakeApi((s) => void s.stdout.write('started\n'));
  const t0 = Date.now();
  const r = await podExec(api, target, ['sleep', '9'], { connectTimeoutMs: 1000, timeoutMs: 150 });
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(r.rc, 124);
  assert.equal(r.timedOut, true);
  assert.equal(r.stdout.toString(), 'started\n');
  assert.match(r.stderr.toString(), /timed out after 150 ms/);
  assert.equal(api.sessions[0]!.socket.closeCalls, 1);
});

test('timeout with a server that never answers the close: the socket is cut', async () => {
  const api = fakeApi(() => undefined, { answerClose: false });
  const r = await podExec(api, target, ['sleep', '9'], { connectTimeoutMs: 1000, timeoutMs: 50 });
  assert.equal(r.rc, 124);
  assert.equal(api.sessions[0]!.socket.terminated, true);
});

test('abort: rc 130, before or during the command', async () => {
  const ac = new AbortController();
  const api = fakeApi(() => void setTimeout(() => ac.abort(), 30));
  const r = await podExec(api, target, ['sleep', '9'], { connectTimeoutMs: 1000, signal: ac.signal });
  assert.equal(r.rc, 130);
  assert.equal(api.sessions[0]!.socket.readyState, 3);
  const already = await podExec(fakeApi(() => undefined), target, ['true'], { connectTimeoutMs: 1000, signal: AbortSignal.abort() });
  assert.equal(already.rc, 130);
});

test('a socket that opens after the timeout is closed, not leaked', async () => {
  const api = fakeApi(() => undefined, { openDelayMs: 100 });
  const r = await podExec(api, target, ['true'], { connectTimeoutMs: 1000, timeoutMs: 20 });
  assert.equal(r.rc, 124);
  await new Promise((res) => setTimeout(res, 150));
  assert.equal(api.sessions[0]!.socket.closeCalls, 1);
});

test('connect timeout is a PodExecError', async () => {
  const api = fakeApi(() => undefined, { openDelayMs: 200 });
  await assert.rejects(podExec(api, target, ['true'], { connectTimeoutMs: 30 }), /did not open within 30 ms/);
});

test('stdin is streamed in chunks and ends; without stdin none is offered', async () => {
  const payload = Buffer.alloc(300_000, 7);
  let received: Buffer | undefined;
  const api = fakeApi(async (s) => {
    received = await readAll(s.stdin!);
    s.finish(SUCCESS);
  });
  await podExec(api, target, ['cat'], { connectTimeoutMs: 1000, stdin: payload });
  assert.deepEqual(received, payload);
  const none = fakeApi((s) => s.finish(SUCCESS));
  await podExec(none, target, ['true'], { connectTimeoutMs: 1000 });
  assert.equal(none.sessions[0]!.stdin, null);
});

test('open sockets are tracked while their command runs', async () => {
  const sockets = new Set<ExecSocket>();
  let seen = 0;
  const api = fakeApi((s) => {
    seen = sockets.size;
    s.finish(SUCCESS);
  });
  await podExec(api, target, ['true'], { connectTimeoutMs: 1000, sockets });
  assert.equal(seen, 1);
  assert.equal(sockets.size, 0);
});
