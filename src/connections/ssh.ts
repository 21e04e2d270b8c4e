// The `ssh` connection on ssh2: one TCP connection per host for the whole run, parallel
// channels on it, host keys verified by default, jump hosts, sudo/su, SFTP with an exec
// fallback, atomic remote writes. Transport failures surface as UnreachableError.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper, type Stats } from 'ssh2';
import type { Duplex, Readable } from 'node:stream';
import { Limiter } from '../executor/limiter.js';
import { stripSudoPrompt, wrapBecome } from './become.js';
import { batchedKiller, GroupWatch, inProcessGroup, killGroupsScript, stripGroupMark } from './process-group.js';
import { numericIds, putAttrs, tempBeside, writeAndReplaceScript, type PutAttrs } from './replace-file.js';
import { envPrefix, quote } from './shell-quote.js';
import { commandInput, commandOutput, stderrTail, type RunningCommand } from './stream-command.js';
import { checkHostKey, fingerprint, knownHostName, rememberHostKey } from './ssh/known-hosts.js';
import { settingsKey } from './settings-key.js';
import { sshOptions, type SshOptions } from './ssh/settings.js';
import { UnreachableError, type BecomeOptions, type Connection, type ConnectionFactory, type ExecOptions, type ExecResult, type HostVars, type PutOptions } from './types.js';

// a stopped command's channel is cut off after this long if its process group could not be killed
const STOP_GRACE_MS = 5000;

/** One ssh connection to one host. */
export class SshConnection implements Connection {
  readonly transport = 'ssh';
  readonly options: SshOptions;
  /** TCP connections opened to the target so far (tests assert reuse). */
  connectCount = 0;
  private client?: Client;
  private hops: Client[] = [];
  private connecting?: Promise<Client>;
  private sftpSession?: Promise<SFTPWrapper | undefined>;
  private umaskBits?: Promise<number>;
  private readonly channels: Limiter;
  private privateKey?: Buffer;
  /** Running commands: the connection each runs on, and how to fail it if that connection dies. */
  private readonly running = new Map<ClientChannel, { client: Client | undefined; lost: (why: string) => void }>();

  constructor(
    readonly host: string,
    vars: HostVars,
  ) {
    this.options = sshOptions(host, vars);
    this.channels = new Limiter(this.options.maxChannels);
  }

  private fail(message: string): UnreachableError {
    return new UnreachableError(`Failed to connect to the host via ssh: ${message}`, this.host);
  }

  private hostVerifier(name: string, port: number, errors: string[]): (key: Buffer) => boolean {
    const o = this.options;
    return (key: Buffer) => {
      if (o.hostKeyPolicy === 'off') return true;
      const known = knownHostName(name, port);
      const v = checkHostKey(o.knownHosts, known, key);
      if (v.kind === 'match') return true;
      if (v.kind === 'mismatch') {
        errors.push(`host key for ${known} has changed (offered ${fingerprint(key)}, ${v.file}:${v.line} has another); refusing to connect`);
        return false;
      }
      if (o.hostKeyPolicy === 'accept-new') {
        rememberHostKey(o.knownHosts[0]!, known, key);
        return true;
      }
      errors.push(`host key for ${known} is not known (offered ${fingerprint(key)}; not in ${o.knownHosts.join(', ')}); add it or set drover_ssh_host_key_policy=accept-new`);
      return false;
    };
  }

  private config(host: string, port: number, user: string, errors: string[], sock?: Duplex): ConnectConfig {
    const o = this.options;
    if (o.keyFile && !this.privateKey) {
      try {
        this.privateKey = readFileSync(o.keyFile);
      } catch (err) {
        throw this.fail(`cannot read key file ${o.keyFile}: ${(err as NodeJS.ErrnoException).code}`);
      }
    }
    return {
      host,
      port,
      username: user,
      sock: sock as never,
      privateKey: this.privateKey,
      passphrase: o.passphrase,
      password: o.password,
      agent: process.env.SSH_AUTH_SOCK,
      readyTimeout: o.connectTimeout * 1000,
      keepaliveInterval: o.keepalive * 1000,
      keepaliveCountMax: 3,
      hostVerifier: this.hostVerifier(host, port, errors) as never,
    };
  }

  private open(cfg: ConnectConfig, errors: string[]): Promise<Client> {
    return new Promise((resolve, reject) => {
      const c = new Client();
      // ssh2 may emit several errors for one failed dial (reset, then timeout): a listener must
      // stay for all of them, or the second one is an uncaught 'error' that ends the run.
      // After 'ready' a reject is a no-op; a dropped connection shows up on the next exec.
      c.on('error', (err: Error) => reject(this.fail(errors[0] ?? err.message)));
      // a server that closes the socket during the handshake gets no 'error' from ssh2, only 'close'
      c.once('close', () => reject(this.fail(errors[0] ?? 'the connection was closed during the handshake')));
      c.once('ready', () => resolve(c));
      // one 'close' listener per channel being opened (see channel()), up to the channel cap
      c.setMaxListeners(0);
      c.connect(cfg);
    });
  }

  private forward(via: Client, host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => via.forwardOut('127.0.0.1', 0, host, port, (err, stream) => (err ? reject(this.fail(`jump to ${host}:${port}: ${err.message}`)) : resolve(stream))));
  }

  private async dial(): Promise<Client> {
    const o = this.options;
    const hops: Client[] = [];
    let sock: Duplex | undefined;
    try {
      for (const hop of o.jump) {
        const errors: string[] = [];
        const c = await this.open(this.config(hop.host, hop.port, hop.user, errors, sock), errors);
        hops.push(c);
        sock = undefined;
        const next = o.jump[hops.length] ?? { host: o.host, port: o.port };
        sock = await this.forward(c, next.host, next.port);
      }
      const errors: string[] = [];
      const client = await this.open(this.config(o.host, o.port, o.user, errors, sock), errors);
      this.connectCount++;
      this.hops = hops;
      client.on('close', () => {
        if (this.client === client) {
          this.client = undefined;
          this.sftpSession = undefined;
        }
        // ssh2 does not close a dead connection's channels: their commands would wait forever
        for (const r of [...this.running.values()]) if (r.client === client) r.lost('connection lost while the command ran');
      });
      return client;
    } catch (err) {
      for (const h of hops) h.end();
      throw err;
    }
  }

  async connect(): Promise<void> {
    if (this.client) return;
    this.connecting ??= (async () => {
      let last: unknown;
      for (let attempt = 0; attempt <= this.options.retries; attempt++) {
        try {
          return await this.dial();
        } catch (err) {
          last = err;
          // a refused host key or failed auth will not get better by retrying
          if (/host key|authentication/i.test((err as Error).message)) break;
          if (attempt < this.options.retries) await sleep(250 * 2 ** attempt);
        }
      }
      throw last;
    })().finally(() => {
      this.connecting = undefined;
    });
    this.client = await this.connecting;
  }

  private async channel(command: string): Promise<ClientChannel> {
    const tryOpen = (c: Client): Promise<ClientChannel> =>
      new Promise((resolve, reject) => {
        // ssh2 never answers a channel request on a connection that closed meanwhile
        const onClose = (): void => reject(new Error('the connection closed while a channel was being opened'));
        c.once('close', onClose);
        c.exec(command, (err, stream) => {
          c.off('close', onClose);
          if (err) reject(err);
          else resolve(stream);
        });
      });
    await this.connect();
    try {
      return await tryOpen(this.client!);
    } catch (err) {
      // the connection dropped between tasks: reconnect once
      this.client?.end();
      this.client = undefined;
      this.sftpSession = undefined;
      try {
        await this.connect();
        return await tryOpen(this.client!);
      } catch (again) {
        throw again instanceof UnreachableError ? again : this.fail(`cannot open a channel: ${(again as Error).message} (first: ${(err as Error).message})`);
      }
    }
  }

  /** Ends remote process groups over a channel of their own (not through the limiter: the commands being stopped hold its slots). */
  private readonly killGroups = batchedKiller<BecomeOptions | undefined>(async (pgids, become) => {
    const { command, stdinPrefix } = wrapBecome(killGroupsScript(pgids), become);
    const stream = await this.channel(command);
    await new Promise<void>((resolve) => {
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
      stream.resume();
      stream.stderr.resume();
      stream.end(stdinPrefix || undefined);
    });
  });

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { command: wrapped, stdinPrefix } = wrapBecome(inProcessGroup(`${envPrefix(options.env)}${options.cwd ? `cd ${quote(options.cwd)} && ` : ''}${command}`), options.become);
    return this.channels.run(async () => {
      // queued behind other commands when Ctrl-C came: do not start it at all
      if (options.signal?.aborted) return { rc: 130, stdout: '', stderr: 'interrupted\n' };
      const stream = await this.channel(wrapped);
      const group = new GroupWatch((pgid) => this.killGroups(pgid, options.become));
      const result = await new Promise<ExecResult>((resolve, reject) => {
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let stopped: 'timeout' | 'interrupt' | undefined;
        let grace: NodeJS.Timeout | undefined;
        const stop = (why: 'timeout' | 'interrupt'): void => {
          if (stopped) return;
          stopped = why;
          // the channel closes once the killed group is gone; without a group id, cut it off after a grace
          group.stop();
          grace = setTimeout(() => (stream.close(), finish(null)), STOP_GRACE_MS);
        };
        const timer = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
        const onAbort = (): void => stop('interrupt');
        if (options.signal?.aborted) onAbort();
        else options.signal?.addEventListener('abort', onAbort, { once: true });
        let finished = false;
        const done = (): boolean => {
          if (finished) return false;
          finished = true;
          if (timer) clearTimeout(timer);
          if (grace) clearTimeout(grace);
          options.signal?.removeEventListener('abort', onAbort);
          this.running.delete(stream);
          return true;
        };
        const lost = (why: string): void => {
          if (done()) reject(this.fail(why));
        };
        const finish = (code: number | null, signal?: string): void => {
          if (!done()) return;
          const stdout = Buffer.concat(out).toString('utf8');
          const stderr = stripGroupMark(stripSudoPrompt(Buffer.concat(err).toString('utf8')));
          if (stopped === 'timeout') return resolve({ rc: 124, stdout, stderr: `${stderr}command timed out after ${options.timeoutMs} ms\n`, timedOut: true });
          if (stopped) return resolve({ rc: 130, stdout, stderr: `${stderr}interrupted\n` });
          if (code === null || code === undefined) {
            if (!this.client) return reject(this.fail('connection lost while the command ran'));
            return resolve({ rc: 255, stdout, stderr: `${stderr}killed by signal ${signal ?? 'unknown'}\n` });
          }
          resolve({ rc: code, stdout, stderr });
        };
        this.running.set(stream, { client: this.client, lost });
        stream.on('error', (e: Error) => lost(`channel failed while the command ran: ${e.message}`));
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => {
          err.push(d);
          group.scan(d);
        });
        stream.on('close', (code: number | null, signal?: string) => finish(code, signal));
        const input = Buffer.concat([Buffer.from(stdinPrefix), options.stdin !== undefined ? Buffer.from(options.stdin) : Buffer.alloc(0)]);
        stream.end(input.length ? input : undefined);
      });
      await group.settled();
      return result;
    });
  }

  private sftp(): Promise<SFTPWrapper | undefined> {
    this.sftpSession ??= (async () => {
      await this.connect();
      const client = this.client!;
      return new Promise<SFTPWrapper | undefined>((resolve, reject) => {
        const onClose = (): void => reject(this.fail('the connection closed while the SFTP session was being opened'));
        client.once('close', onClose);
        client.sftp((err, s) => {
          client.off('close', onClose);
          // as for channels: a dying connection may make the session emit 'error'; calls report it
          s?.on('error', () => undefined);
          resolve(err ? undefined : s);
        });
      });
    })();
    return this.sftpSession;
  }

  async put(content: Buffer | Readable, remotePath: string, options: PutOptions = {}): Promise<void> {
    const attrs = putAttrs(options);
    const tmp = tempBeside(remotePath);
    // SFTP runs as the login user and sets ids only by number; otherwise the (become) user's shell
    // writes the bytes from stdin into a 0600 temp file: nothing is staged where others could read it
    const sftp = options.become || !numericIds(attrs) ? undefined : await this.sftp();
    if (!sftp && !Buffer.isBuffer(content)) {
      const { cmd, stdinPrefix } = await this.streamCommand(writeAndReplaceScript(remotePath, tmp, attrs), options.become);
      return commandInput(cmd, stdinPrefix, content, `could not write ${remotePath}`);
    }
    if (!sftp) {
      const r = await this.exec(writeAndReplaceScript(remotePath, tmp, attrs), { stdin: content as Buffer, become: options.become });
      if (r.rc !== 0) throw new Error(`could not write ${remotePath}: ${r.stderr.trim()}`);
      return;
    }
    try {
      await this.sftpReplace(sftp, content, remotePath, tmp, attrs);
    } catch (err) {
      await sftpCall((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
      throw new Error(`could not write ${remotePath}: ${(err as Error).message}`);
    }
  }

  /** put over SFTP, the steps of replace-file.ts: 0600 temp (O_EXCL), data, fsync, owner, group, mode, rename. */
  private async sftpReplace(sftp: SFTPWrapper, content: Buffer | Readable, dest: string, tmp: string, attrs: PutAttrs): Promise<void> {
    const old = await sftpCall<Stats>((cb) => sftp.lstat(dest, cb)).catch(() => undefined);
    const keep = old?.isFile() ? old : undefined;
    if (old?.isDirectory()) throw new Error(`${dest}: is a directory`);
    const mode = attrs.mode ?? (keep ? keep.mode & 0o7777 : 0o666 & ~(await this.umask()));
    const handle = await sftpCall<Buffer>((cb) => sftp.open(tmp, 'wx', { mode: 0o600 }, cb));
    try {
      if (Buffer.isBuffer(content)) await sftpCall((cb) => sftp.write(handle, content, 0, content.length, 0, cb));
      else await sftpWriteStream(sftp, handle, content);
      await sftpCall((cb) => sftp.ext_openssh_fsync(handle, cb)).catch(() => undefined);
      let { uid, gid } = await sftpCall<Stats>((cb) => sftp.fstat(handle, cb));
      if (keep) {
        // as Ansible: keep the owner when allowed to, else at least the group
        const kept = await sftpCall((cb) => sftp.fchown(handle, keep.uid, keep.gid, cb)).then(() => [keep.uid, keep.gid], () => sftpCall((cb) => sftp.fchown(handle, uid, keep.gid, cb)).then(() => [uid, keep.gid], () => [uid, gid]));
        [uid, gid] = kept as [number, number];
      }
      if (attrs.owner !== undefined || attrs.group !== undefined) await sftpCall((cb) => sftp.fchown(handle, attrs.owner !== undefined ? Number(attrs.owner) : uid, attrs.group !== undefined ? Number(attrs.group) : gid, cb));
      // chown clears set-id bits, so the mode comes last
      await sftpCall((cb) => sftp.fchmod(handle, mode, cb));
    } finally {
      await sftpCall((cb) => sftp.close(handle, cb)).catch(() => undefined);
    }
    const renamed = await sftpCall((cb) => sftp.ext_openssh_rename(tmp, dest, cb)).then(() => true, () => false);
    if (!renamed) {
      const r = await this.exec(`mv -f ${quote(tmp)} ${quote(dest)}`);
      if (r.rc !== 0) throw new Error(r.stderr.trim());
    }
  }

  /** The login shell's umask, asked once: the mode of new files written over SFTP. */
  private umask(): Promise<number> {
    this.umaskBits ??= this.exec('umask').then(
      (r) => (r.rc === 0 && /^[0-7]{1,4}$/.test(r.stdout.trim()) ? parseInt(r.stdout.trim(), 8) : 0o022),
      () => 0o022,
    );
    return this.umaskBits;
  }

  async get(remotePath: string, options: { become?: BecomeOptions } = {}): Promise<Buffer> {
    if (!options.become) {
      const sftp = await this.sftp();
      if (sftp) {
        return new Promise((resolve, reject) => sftp.readFile(remotePath, (err, data) => (err ? reject(new Error(`could not read ${remotePath}: ${err.message}`)) : resolve(data))));
      }
    }
    const r = await this.exec(`base64 < ${quote(remotePath)}`, { become: options.become });
    if (r.rc !== 0) throw new Error(`could not read ${remotePath}: ${r.stderr.trim()}`);
    return Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64');
  }

  /** put from a stream: SFTP writes in flight as it is read, or the put script fed on stdin (become, names). */
  putStream(source: Readable, remotePath: string, options: PutOptions = {}): Promise<void> {
    return this.put(source, remotePath, options);
  }

  /** A remote file as a stream: SFTP reads, or `cat` on a channel of its own under become. */
  async getStream(remotePath: string, options: { become?: BecomeOptions } = {}): Promise<Readable> {
    const sftp = options.become ? undefined : await this.sftp();
    if (sftp) {
      // open first, so a missing file is an error here rather than on the stream
      const handle = await sftpCall<Buffer>((cb) => sftp.open(remotePath, 'r', cb)).catch((err: Error) => {
        throw new Error(`could not read ${remotePath}: ${err.message}`);
      });
      return sftp.createReadStream(remotePath, { handle, highWaterMark: 256 * 1024 } as never);
    }
    const { cmd, stdinPrefix } = await this.streamCommand(`cat ${quote(remotePath)}`, options.become);
    return commandOutput(cmd, stdinPrefix, `could not read ${remotePath}`);
  }

  /** A command on a channel of its own whose stdin and stdout the caller streams; it holds a channel slot until it closes. */
  private streamCommand(command: string, become: BecomeOptions | undefined): Promise<{ cmd: RunningCommand; stdinPrefix: string }> {
    const { command: wrapped, stdinPrefix } = wrapBecome(command, become);
    return new Promise((resolve, reject) => {
      this.channels
        .run(async () => {
          const stream = await this.channel(wrapped);
          const tail = stderrTail(stream.stderr);
          const ended = new Promise<{ code: number | null; stderr: string }>((res, rej) => {
            this.running.set(stream, { client: this.client, lost: (why) => rej(this.fail(why)) });
            stream.on('error', (e: Error) => rej(this.fail(`channel failed while streaming: ${e.message}`)));
            // ssh2 emits 'close' (with the exit code) only after stdout has ended
            stream.on('close', (code: number | null) => res({ code: typeof code === 'number' ? code : null, stderr: tail() }));
          });
          const settled = ended.then(
            () => undefined,
            () => undefined,
          );
          resolve({ cmd: { stdin: stream, stdout: stream, ended, kill: () => stream.close() }, stdinPrefix });
          await settled;
          this.running.delete(stream);
        })
        .catch(reject);
    });
  }

  async close(): Promise<void> {
    const s = this.sftpSession;
    this.sftpSession = undefined;
    (await s?.catch(() => undefined))?.end();
    this.client?.end();
    this.client = undefined;
    for (const h of this.hops) h.end();
    this.hops = [];
  }
}

/** An ssh2 SFTP call as a promise. */
function sftpCall<T = void>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

/** Write a stream to an open SFTP handle, several writes in flight (one at a time would wait a round trip per packet). */
async function sftpWriteStream(sftp: SFTPWrapper, handle: Buffer, source: Readable): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failed: Error | undefined;
  let position = 0;
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    const at = position;
    position += buf.length;
    const p: Promise<void> = sftpCall((cb) => sftp.write(handle, buf, 0, buf.length, at, cb)).then(
      () => void inFlight.delete(p),
      (err: Error) => {
        failed ??= err;
        inFlight.delete(p);
      },
    );
    inFlight.add(p);
    if (inFlight.size >= 8) await Promise.race(inFlight);
    if (failed) throw failed;
  }
  await Promise.all(inFlight);
  if (failed) throw failed;
}

/** Factory registered as transport 'ssh'. */
export const sshConnectionFactory: ConnectionFactory = {
  transport: 'ssh',
  create: (host: string, vars: HostVars) => new SshConnection(host, vars),
  settingsKey: (host: string, vars: HostVars) => settingsKey(() => sshOptions(host, vars)),
};
