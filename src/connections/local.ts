// The `local` connection: commands run on the controller itself through /bin/sh (execa).
import { createReadStream } from 'node:fs';
import { lstat, open, readFile, rename, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { userInfo } from 'node:os';
import { execa } from 'execa';
import { stripSudoPrompt, wrapBecome } from './become.js';
import { numericIds, putAttrs, tempBeside, writeAndReplaceScript } from './replace-file.js';
import { quote } from './shell-quote.js';
import { commandInput, commandOutput, stderrTail, type RunningCommand } from './stream-command.js';
import type { BecomeOptions, Connection, ConnectionFactory, ExecOptions, ExecResult, HostVars, PutOptions } from './types.js';

const ME = userInfo().username;

/** Become is a no-op when it would switch to the user we already are. */
function effectiveBecome(b: BecomeOptions | undefined): BecomeOptions | undefined {
  return b && b.user !== ME ? b : undefined;
}

/** Runs commands on this machine. */
export class LocalConnection implements Connection {
  readonly transport = 'local';

  constructor(readonly host: string) {}

  async connect(): Promise<void> {}

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    // after Ctrl-C a module's next command is not started at all
    if (options.signal?.aborted) return { rc: 130, stdout: '', stderr: 'interrupted\n' };
    const { command: cmd, stdinPrefix } = wrapBecome(command, effectiveBecome(options.become));
    const input = options.stdin !== undefined || stdinPrefix ? Buffer.concat([Buffer.from(stdinPrefix), Buffer.from(options.stdin ?? '')]) : undefined;
    const child = execa('/bin/sh', ['-c', cmd], {
      cwd: options.cwd,
      env: options.env,
      input,
      stdin: input === undefined ? 'ignore' : undefined,
      reject: false,
      stripFinalNewline: false,
      // its own process group, so a timeout or Ctrl-C ends everything the command started, not only sh
      detached: true,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const pgid = child.pid;
    let stopped: 'timeout' | 'interrupt' | undefined;
    let escalate: NodeJS.Timeout | undefined;
    const stop = (why: 'timeout' | 'interrupt'): void => {
      if (stopped || pgid === undefined) return;
      stopped = why;
      signalGroup(pgid, 'SIGTERM');
      escalate = setTimeout(() => signalGroup(pgid, 'SIGKILL'), KILL_AFTER_MS);
    };
    const timer = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
    const onAbort = (): void => stop('interrupt');
    if (pgid !== undefined) trackGroup(pgid);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    let res: Awaited<typeof child>;
    try {
      res = await child;
    } finally {
      if (timer) clearTimeout(timer);
      if (escalate) clearTimeout(escalate);
      options.signal?.removeEventListener('abort', onAbort);
      // a stopped command's group goes entirely, even a member that ignored SIGTERM
      if (pgid !== undefined && stopped) signalGroup(pgid, 'SIGKILL');
      if (pgid !== undefined) untrackGroup(pgid);
    }
    if (stopped === 'timeout') return { rc: 124, stdout: String(res.stdout ?? ''), stderr: `${String(res.stderr ?? '')}command timed out after ${options.timeoutMs} ms\n`, timedOut: true };
    if (stopped) return { rc: 130, stdout: String(res.stdout ?? ''), stderr: `${String(res.stderr ?? '')}interrupted\n` };
    const rc = res.exitCode ?? (res.signal ? 128 + (signalNumber(res.signal) ?? 1) : 1);
    return { rc, stdout: String(res.stdout ?? ''), stderr: stripSudoPrompt(String(res.stderr ?? '')) };
  }

  async put(content: Buffer, remotePath: string, options: PutOptions = {}): Promise<void> {
    const become = effectiveBecome(options.become);
    const attrs = putAttrs(options);
    if (become || !numericIds(attrs)) {
      // the bytes go through the become user's own shell on stdin: nothing staged where others could read it
      const res = await this.exec(writeAndReplaceScript(remotePath, tempBeside(remotePath), attrs), { become, stdin: content });
      if (res.rc !== 0) throw new Error(`could not write ${remotePath}${become ? ` as ${become.user}` : ''}: ${res.stderr.trim()}`);
      return;
    }
    await writeAtomic(remotePath, content, attrs.mode, { uid: idOf(attrs.owner), gid: idOf(attrs.group) });
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

  /** A file as a stream: read directly, or `cat` as the become user. */
  async getStream(remotePath: string, options: { become?: BecomeOptions } = {}): Promise<Readable> {
    const become = effectiveBecome(options.become);
    if (!become) {
      const s = createReadStream(remotePath, { highWaterMark: 1 << 20 });
      // a missing file is an error here rather than on the stream
      await once(s, 'open').catch((err: Error) => {
        throw new Error(`could not read ${remotePath}: ${err.message}`);
      });
      return s;
    }
    const { command, stdinPrefix } = wrapBecome(`cat ${quote(remotePath)}`, become);
    return commandOutput(spawnCommand(command), stdinPrefix, `could not read ${remotePath}`);
  }

  /** put from a stream: written chunk by chunk to the temp file (or fed to the put script as the become user). */
  async putStream(source: Readable, remotePath: string, options: PutOptions = {}): Promise<void> {
    const become = effectiveBecome(options.become);
    const attrs = putAttrs(options);
    if (become || !numericIds(attrs)) {
      const { command, stdinPrefix } = wrapBecome(writeAndReplaceScript(remotePath, tempBeside(remotePath), attrs), become);
      return commandInput(spawnCommand(command), stdinPrefix, source, `could not write ${remotePath}${become ? ` as ${become.user}` : ''}`);
    }
    await writeAtomic(remotePath, source, attrs.mode, { uid: idOf(attrs.owner), gid: idOf(attrs.group) });
  }

  async close(): Promise<void> {}
}

/** sh -c COMMAND with piped stdin/stdout, as a RunningCommand. */
function spawnCommand(command: string): RunningCommand {
  const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
  const tail = stderrTail(child.stderr);
  const ended = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    // 'close' comes after stdout and stderr have ended
    child.once('close', (code) => resolve({ code, stderr: tail() }));
  });
  return { stdin: child.stdin, stdout: child.stdout, ended, kill: () => child.kill('SIGTERM') };
}

function idOf(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

let umaskBits: number | undefined;
/** This process's umask (set and restored: reading it alone is deprecated). */
function currentUmask(): number {
  if (umaskBits === undefined) {
    umaskBits = process.umask(0o022);
    process.umask(umaskBits);
  }
  return umaskBits;
}

/**
 * Write a file so readers see the old or the new content, never a half-written one, with the
 * rules of replace-file.ts: a 0600 temp file (O_EXCL) gets the final owner, group and mode
 * (the replaced regular file's unless given; 0666 minus the umask for a new one) before the rename.
 */
export async function writeAtomic(path: string, content: Buffer | Readable, mode?: number, ids: { uid?: number; gid?: number } = {}): Promise<void> {
  const tmp = tempBeside(path);
  const old = await lstat(path).catch(() => undefined);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    if (Buffer.isBuffer(content)) await fh.writeFile(content);
    else for await (const chunk of content) await writeAll(fh, chunk as Buffer);
    if (old?.isFile()) {
      // as Ansible: keep the owner when allowed to, the group when that is allowed
      await fh.chown(old.uid, old.gid).catch(() => fh.chown(-1, old.gid).catch(() => undefined));
    }
    if (ids.uid !== undefined || ids.gid !== undefined) await fh.chown(ids.uid ?? -1, ids.gid ?? -1);
    // chown clears set-id bits, so the mode comes last
    await fh.chmod(mode ?? (old?.isFile() ? old.mode & 0o7777 : 0o666 & ~currentUmask()));
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Write one chunk whole (a write may take only part of it). */
async function writeAll(fh: import('node:fs/promises').FileHandle, buf: Buffer): Promise<void> {
  for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}

// a stopped command's group gets this long after SIGTERM before SIGKILL
const KILL_AFTER_MS = 2000;
const liveGroups = new Set<number>();
let exitHook = false;

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* the group is gone already */
  }
}

/** Groups still running when Drover exits (a second Ctrl-C) are killed: being detached, nothing else would. */
function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const g of liveGroups) signalGroup(g, 'SIGKILL');
  });
}

function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
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
