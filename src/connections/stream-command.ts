// Files too big to hold in memory move through a command's stdin or stdout (`cat`, the put
// script) on any transport: the bytes flow with backpressure, and the stream fails, rather
// than ends, when the command exits non-zero.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stripSudoPrompt } from './become.js';

/** A started command whose stdin and stdout the caller streams (a channel or a child process). */
export interface RunningCommand {
  stdin: Writable;
  stdout: Readable;
  /** exit code (null: killed) and the stderr text, once the command has ended and stdout is drained */
  ended: Promise<{ code: number | null; stderr: string }>;
  kill(): void;
}

const STDERR_KEEP = 8192;

/** Keep the last few KB of a stderr stream (enough for the error message). */
export function stderrTail(stderr: Readable): () => string {
  let kept = '';
  stderr.on('data', (d: Buffer) => {
    kept = (kept + d.toString('utf8')).slice(-STDERR_KEEP);
  });
  return () => stripSudoPrompt(kept).trim();
}

/** The command's stdout as a stream that ends only when it exited 0 (else errors with its stderr); closing it early kills the command. */
export function commandOutput(cmd: RunningCommand, stdinPrefix: string, what: string): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  cmd.stdin.on('error', () => undefined);
  cmd.stdin.end(stdinPrefix || undefined);
  cmd.stdout.pipe(out, { end: false });
  let finished = false;
  cmd.ended.then(
    ({ code, stderr }) => {
      finished = true;
      if (code === 0) out.end();
      else out.destroy(new Error(`${what}: ${stderr || `exit ${code ?? 'signal'}`}`));
    },
    (err: Error) => {
      finished = true;
      out.destroy(err);
    },
  );
  out.on('close', () => {
    if (!finished) cmd.kill();
  });
  return out;
}

/** Feed `source` to the command's stdin (after the become password, if any) and wait for it to exit 0. */
export async function commandInput(cmd: RunningCommand, stdinPrefix: string, source: Readable, what: string): Promise<void> {
  cmd.stdout.resume();
  if (stdinPrefix) cmd.stdin.write(stdinPrefix);
  try {
    await pipeline(source, cmd.stdin);
  } catch (err) {
    cmd.kill();
    const { stderr } = await cmd.ended.catch(() => ({ stderr: '' }));
    throw new Error(`${what}: ${stderr || (err as Error).message}`);
  }
  const { code, stderr } = await cmd.ended;
  if (code !== 0) throw new Error(`${what}: ${stderr || `exit ${code ?? 'signal'}`}`);
}
