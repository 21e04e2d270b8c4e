// The `local` connection: commands run on the controller itself through /bin/sh (execa).
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { userInfo } from 'node:os';
import { execa } from 'execa';
import { stripSudoPrompt, wrapBecome } from './become.js';
import { quote } from './shell-quote.js';
import type { BecomeOptions, Connection, ConnectionFactory, ExecOptions, ExecResult, HostVars, PutOptions } from './types.js';

const ME = userInfo().username;

/** Become is a no-op when it would switch to the user we already are. */
function effectiveBecome(b: BecomeOptions | undefined): BecomeOptions | undefined {
  return b && b.user !== ME ? b : undefined;
}

function modeOf(mode: string | number | undefined): number | undefined {
  if (mode === undefined) return undefined;
  return typeof mode === 'number' ? mode : parseInt(mode, 8);
}

/** Runs commands on this machine. */
export class LocalConnection implements Connection {
  readonly transport = 'local';

  constructor(readonly host: string) {}

  async connect(): Promise<void> {}

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { command: cmd, stdinPrefix } = wrapBecome(command, effectiveBecome(options.become));
    const input = options.stdin !== undefined || stdinPrefix ? Buffer.concat([Buffer.from(stdinPrefix), Buffer.from(options.stdin ?? '')]) : undefined;
    const res = await execa('/bin/sh', ['-c', cmd], {
      cwd: options.cwd,
      env: options.env,
      input,
      stdin: input === undefined ? 'ignore' : undefined,
      reject: false,
      stripFinalNewline: false,
      timeout: options.timeoutMs,
      cancelSignal: options.signal,
      // the whole process group dies on timeout or Ctrl-C, not only sh
      detached: false,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (res.timedOut) return { rc: 124, stdout: String(res.stdout ?? ''), stderr: `${String(res.stderr ?? '')}command timed out after ${options.timeoutMs} ms\n`, timedOut: true };
    if (res.isCanceled) return { rc: 130, stdout: String(res.stdout ?? ''), stderr: `${String(res.stderr ?? '')}interrupted\n` };
    const rc = res.exitCode ?? (res.signal ? 128 + (signalNumber(res.signal) ?? 1) : 1);
    return { rc, stdout: String(res.stdout ?? ''), stderr: stripSudoPrompt(String(res.stderr ?? '')) };
  }

  async put(content: Buffer, remotePath: string, options: PutOptions = {}): Promise<void> {
    const become = effectiveBecome(options.become);
    const mode = modeOf(options.mode);
    if (become) {
      const tmp = join('/tmp', `.drover-${randomBytes(6).toString('hex')}`);
      await writeAtomic(tmp, content, 0o600);
      const chmod = mode !== undefined ? ` && chmod ${mode.toString(8)} ${quote(remotePath)}` : '';
      const res = await this.exec(`cat ${quote(tmp)} > ${quote(remotePath)}.drover-tmp && mv -f ${quote(remotePath)}.drover-tmp ${quote(remotePath)}${chmod}`, { become });
      await rm(tmp, { force: true });
      if (res.rc !== 0) throw new Error(`could not write ${remotePath} as ${become.user}: ${res.stderr.trim()}`);
      return;
    }
    await writeAtomic(remotePath, content, mode);
  }

  async get(remotePath: string, options: { become?: BecomeOptions } = {}): Promise<Buffer> {
    const become = effectiveBecome(options.become);
    if (become) {
      const res = await execa('/bin/sh', ['-c', wrapBecome(`cat ${quote(remotePath)}`, become).command], { encoding: 'buffer', reject: false });
      if (res.exitCode !== 0) throw new Error(`could not read ${remotePath}: ${Buffer.from(res.stderr as Uint8Array).toString().trim()}`);
      return Buffer.from(res.stdout as Uint8Array);
    }
    return readFile(remotePath);
  }

  async close(): Promise<void> {}
}

/** Write a file so readers see the old or the new content, never a half-written one. */
export async function writeAtomic(path: string, content: Buffer, mode?: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.drover-${randomBytes(6).toString('hex')}`);
  const fh = await open(tmp, 'wx', mode ?? 0o644);
  try {
    await fh.writeFile(content);
    if (mode !== undefined) await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function signalNumber(name: string): number | undefined {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13, SIGABRT: 6, SIGSEGV: 11 };
  return table[name];
}

/** Factory registered as transport 'local'. */
export const localConnectionFactory: ConnectionFactory = {
  transport: 'local',
  create: (host: string, _vars: HostVars) => new LocalConnection(host),
};
