// The `ssh` connection on ssh2: one TCP connection per host for the whole run, parallel
// channels on it, host keys verified by default, jump hosts, sudo/su, SFTP with an exec
// fallback, atomic remote writes. Transport failures surface as UnreachableError.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { Duplex } from 'node:stream';
import { Limiter } from '../executor/limiter.js';
import { stripSudoPrompt, wrapBecome } from './become.js';
import { envPrefix, quote } from './shell-quote.js';
import { checkHostKey, fingerprint, knownHostName, rememberHostKey } from './ssh/known-hosts.js';
import { sshOptions, type SshOptions } from './ssh/settings.js';
import { UnreachableError, type BecomeOptions, type Connection, type ConnectionFactory, type ExecOptions, type ExecResult, type HostVars, type PutOptions } from './types.js';

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

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { command: wrapped, stdinPrefix } = wrapBecome(`${envPrefix(options.env)}${options.cwd ? `cd ${quote(options.cwd)} && ` : ''}${command}`, options.become);
    return this.channels.run(async () => {
      const stream = await this.channel(wrapped);
      return new Promise<ExecResult>((resolve, reject) => {
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let timedOut = false;
        let interrupted = false;
        const timer = options.timeoutMs ? setTimeout(() => ((timedOut = true), stream.close()), options.timeoutMs) : undefined;
        const onAbort = (): void => {
          interrupted = true;
          stream.signal('INT');
          stream.close();
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        const done = (): void => {
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          this.running.delete(stream);
        };
        const lost = (why: string): void => {
          done();
          reject(this.fail(why));
        };
        this.running.set(stream, { client: this.client, lost });
        stream.on('error', (e: Error) => lost(`channel failed while the command ran: ${e.message}`));
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => err.push(d));
        stream.on('close', (code: number | null, signal?: string) => {
          done();
          const stdout = Buffer.concat(out).toString('utf8');
          const stderr = stripSudoPrompt(Buffer.concat(err).toString('utf8'));
          if (timedOut) return resolve({ rc: 124, stdout, stderr: `${stderr}command timed out after ${options.timeoutMs} ms\n`, timedOut: true });
          if (interrupted) return resolve({ rc: 130, stdout, stderr: `${stderr}interrupted\n` });
          if (code === null || code === undefined) {
            if (!this.client) return reject(this.fail('connection lost while the command ran'));
            return resolve({ rc: 255, stdout, stderr: `${stderr}killed by signal ${signal ?? 'unknown'}\n` });
          }
          resolve({ rc: code, stdout, stderr });
        });
        const input = Buffer.concat([Buffer.from(stdinPrefix), options.stdin !== undefined ? Buffer.from(options.stdin) : Buffer.alloc(0)]);
        stream.end(input.length ? input : undefined);
      });
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

  async put(content: Buffer, remotePath: string, options: PutOptions = {}): Promise<void> {
    const mode = options.mode === undefined ? undefined : typeof options.mode === 'number' ? options.mode : parseInt(options.mode, 8);
    const tag = randomBytes(6).toString('hex');
    if (options.become) {
      // upload as the login user, then put it in place as the become user
      const tmp = `/tmp/.drover-${tag}`;
      await this.upload(content, tmp, 0o600);
      const staged = `${remotePath}.drover-${tag}`;
      const chmod = mode !== undefined ? ` && chmod ${mode.toString(8)} ${quote(staged)}` : '';
      const r = await this.exec(`cp ${quote(tmp)} ${quote(staged)}${chmod} && mv -f ${quote(staged)} ${quote(remotePath)}; rc=$?; rm -f ${quote(tmp)}; exit $rc`, { become: options.become });
      if (r.rc !== 0) throw new Error(`could not write ${remotePath}: ${r.stderr.trim()}`);
      return;
    }
    const tmp = posix.join(posix.dirname(remotePath), `.${posix.basename(remotePath)}.drover-${tag}`);
    await this.upload(content, tmp, mode);
    const sftp = await this.sftp();
    const renamed = sftp ? await new Promise<boolean>((resolve) => sftp.ext_openssh_rename(tmp, remotePath, (err) => resolve(!err))) : false;
    if (!renamed) {
      const r = await this.exec(`mv -f ${quote(tmp)} ${quote(remotePath)}`);
      if (r.rc !== 0) {
        await this.exec(`rm -f ${quote(tmp)}`);
        throw new Error(`could not write ${remotePath}: ${r.stderr.trim()}`);
      }
    }
  }

  /** Write a whole file (SFTP, fsync'd; or `cat` over exec without the sftp subsystem). */
  private async upload(content: Buffer, path: string, mode?: number): Promise<void> {
    const sftp = await this.sftp();
    if (sftp) {
      await new Promise<void>((resolve, reject) => {
        sftp.open(path, 'w', mode ?? 0o644, (err, handle) => {
          if (err) return reject(new Error(`could not write ${path}: ${err.message}`));
          sftp.write(handle, content, 0, content.length, 0, (werr) => {
            const done = (e?: Error | null): void => sftp.close(handle, () => (e ? reject(new Error(`could not write ${path}: ${e.message}`)) : resolve()));
            if (werr) return done(werr);
            sftp.ext_openssh_fsync(handle, () => (mode !== undefined ? sftp.fchmod(handle, mode, (cerr) => done(cerr)) : done()));
          });
        });
      });
      return;
    }
    const chmod = mode !== undefined ? ` && chmod ${mode.toString(8)} ${quote(path)}` : '';
    const r = await this.exec(`umask 077; cat > ${quote(path)}${chmod}`, { stdin: content });
    if (r.rc !== 0) throw new Error(`could not write ${path}: ${r.stderr.trim()}`);
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

/** Factory registered as transport 'ssh'. */
export const sshConnectionFactory: ConnectionFactory = {
  transport: 'ssh',
  create: (host: string, vars: HostVars) => new SshConnection(host, vars),
};
