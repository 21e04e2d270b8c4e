// The `local` connection: commands run on the controller itself through /bin/sh (execa).
import { lstat, open, readFile, rename, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { execa } from 'execa';
import { stripSudoPrompt, wrapBecome } from './become.js';
import { numericIds, putAttrs, tempBeside, writeAndReplaceScript } from './replace-file.js';
import { quote } from './shell-quote.js';
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

  async close(): Promise<void> {}
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
export async function writeAtomic(path: string, content: Buffer, mode?: number, ids: { uid?: number; gid?: number } = {}): Promise<void> {
  const tmp = tempBeside(path);
  const old = await lstat(path).catch(() => undefined);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(content);
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

// a stopped command's group gets this long after SIGTERM before SIGKILL
function signalNumber(name: string): number | undefined {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13, SIGABRT: 6, SIGSEGV: 11 };
  return table[name];
}

/** Factory registered as transport 'local'. */
export const localConnectionFactory: ConnectionFactory = {
  transport: 'local',
  create: (host: string, _vars: HostVars) => new LocalConnection(host),
};
