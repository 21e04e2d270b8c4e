// Harness for the apiserver-over-etcd tests: a real TLS etcd cluster (Debian's etcd 3.4) on
// loopback addresses, a Kubernetes PKI made with openssl (CA, apiserver serving cert, client
// certs with CN/O), stand-in kube-apiserver processes (a release bundle's binary), and the
// real kubectl.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeEtcdPki } from '../../fleet/etcd-pki.js';
import { runCommand, type RunResult } from '../../helpers/run-command.js';

export type { RunResult };

/** Run a command without blocking the event loop (stdin /dev/null, SIGKILL after timeoutMs). */
export function run(cmd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<RunResult> {
  return runCommand(cmd, args, { env, timeoutMs });
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function signed(dir: string, ca: string, name: string, subj: string, ext: string): void {
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subj, '-out', `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
}

function selfSignedCa(dir: string, name: string, cn: string): void {
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  openssl(dir, ['req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '30', '-subj', `/CN=${cn}`, '-out', `${name}.crt`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

/**
 * Kubernetes PKI in dir: ca, apiserver (SANs = the given IPs + first service IP + kubernetes
 * names), admin (O=system:masters), and rogue-admin signed by an unrelated CA.
 */
export function makeKubePki(dir: string, ips: string[]): void {
  mkdirSync(dir, { recursive: true });
  selfSignedCa(dir, 'ca', 'kubernetes');
  selfSignedCa(dir, 'rogue-ca', 'not-the-cluster-ca');
  const sans = [...ips.map((ip) => `IP:${ip}`), 'IP:10.0.0.1', 'DNS:kubernetes', 'DNS:kubernetes.default'].join(',');
  signed(dir, 'ca', 'apiserver', '/CN=kube-apiserver', `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans}\n`);
  const client = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';
  signed(dir, 'ca', 'admin', '/O=system:masters/CN=admin', client);
  signed(dir, 'rogue-ca', 'rogue-admin', '/O=system:masters/CN=admin', client);
}

/** A kubeconfig for server with a client certificate, a bearer token, or no credentials. */
export function writeKubeconfig(path: string, server: string, caFile: string, user?: { cert: string; key: string } | { token: string }): string {
  const userLines = !user ? ['  user: {}'] : 'token' in user ? ['  user:', `    token: ${user.token}`] : ['  user:', `    client-certificate: ${user.cert}`, `    client-key: ${user.key}`];
  writeFileSync(path, ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: c', '  cluster:', `    server: ${server}`, `    certificate-authority: ${caFile}`, 'users:', '- name: u', ...userLines, 'contexts:', '- name: c', '  context: {cluster: c, user: u}', 'current-context: c', ''].join('\n'));
  return path;
}

/** A running process the harness started. */
export interface Proc {
  child: ChildProcess;
  logFile: string;
  log(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function startProc(cmd: string, args: string[], logFile: string): Proc {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    logFile,
    log: () => readFileSync(logFile, 'utf8'),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** A running TLS etcd cluster. */
export interface EtcdCluster {
  endpoints: string[];
  pki: string;
  members: Proc[];
  etcdctl(args: string[]): Promise<RunResult>;
  stop(): Promise<void>;
}

/** The cluster token the harness's etcd members are made (and restored) with. */
export const ETCD_TOKEN = 'apiserver-itest';

/**
 * Start an n-member TLS etcd cluster (client-cert auth on) on the given loopback IPs, members
 * named etcd1..n with data in dir/<name><dataSuffix>; with `restart` the PKI and data dirs are
 * those made before (e.g. by `etcdctl snapshot restore`).
 */
export async function startEtcd(dir: string, ips: string[], clientPort: number, peerPort: number, { dataSuffix = '.data', restart = false } = {}): Promise<EtcdCluster> {
  const pki = join(dir, 'etcd-pki');
  const members = ips.map((ip, i) => ({ name: `etcd${i + 1}`, ip }));
  if (!restart) makeEtcdPki(pki, members);
  const initial = members.map((m) => `${m.name}=https://${m.ip}:${peerPort}`).join(',');
  const procs = members.map((m) =>
    startProc(
      'etcd',
      [
        '--name', m.name, '--data-dir', join(dir, `${m.name}${dataSuffix}`),
        '--listen-client-urls', `https://${m.ip}:${clientPort}`, '--advertise-client-urls', `https://${m.ip}:${clientPort}`,
        '--listen-peer-urls', `https://${m.ip}:${peerPort}`, '--initial-advertise-peer-urls', `https://${m.ip}:${peerPort}`,
        '--initial-cluster', initial, '--initial-cluster-token', ETCD_TOKEN, '--initial-cluster-state', 'new',
        '--cert-file', join(pki, `${m.name}.crt`), '--key-file', join(pki, `${m.name}.key`), '--trusted-ca-file', join(pki, 'ca.crt'), '--client-cert-auth',
        '--peer-cert-file', join(pki, `${m.name}.crt`), '--peer-key-file', join(pki, `${m.name}.key`), '--peer-trusted-ca-file', join(pki, 'ca.crt'), '--peer-client-cert-auth',
      ],
      join(dir, `${m.name}${restart ? '.restarted' : ''}.log`),
    ),
  );
  const endpoints = members.map((m) => `https://${m.ip}:${clientPort}`);
  const etcdctl = (args: string[]): Promise<RunResult> => run('etcdctl', ['--endpoints', endpoints.join(','), '--cacert', join(pki, 'ca.crt'), '--cert', join(pki, 'client.crt'), '--key', join(pki, 'client.key'), '--dial-timeout=3s', '--command-timeout=5s', ...args], { ETCDCTL_API: '3' });
  const cluster: EtcdCluster = { endpoints, pki, members: procs, etcdctl, stop: async () => void (await Promise.all(procs.map((p) => p.stop()))) };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const h = await etcdctl(['endpoint', 'health']);
    if (h.rc === 0) return cluster;
    if (Date.now() > deadline) {
      await cluster.stop();
      throw new Error(`etcd did not become healthy: ${h.stderr}\n${procs.map((p) => p.log().slice(-600)).join('\n')}`);
    }
    await sleep(500);
  }
}

/** A running stand-in apiserver. */
export interface Apiserver extends Proc {
  ip: string;
  url: string;
}

/** Start a release bundle's kube-apiserver binary with extra flags; resolves once it serves (or rejects with its log if it exits). */
export async function startApiserver(dir: string, name: string, binary: string, ip: string, port: number, flags: string[]): Promise<Apiserver> {
  const proc = startProc(binary, [`--bind-address=${ip}`, `--secure-port=${port}`, `--advertise-address=${ip}`, ...flags], join(dir, `${name}.log`));
  const deadline = Date.now() + 60_000;
  while (!/Serving securely on/.test(proc.log())) {
    if (proc.child.exitCode !== null) throw new Error(`${name} exited ${proc.child.exitCode}:\n${proc.log()}`);
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw new Error(`${name} did not start:\n${proc.log()}`);
    }
    await sleep(200);
  }
  return { ...proc, ip, url: `https://${ip}:${port}` };
}

/** A raw HTTPS API call (optionally with a client certificate); the body is the text answered. */
export function apiCall(url: string, opts: { method?: string; body?: unknown; contentType?: string; caFile: string; cert?: string; key?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const text = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = httpsRequest(
      url,
      { method: opts.method ?? 'GET', ca: readFileSync(opts.caFile), cert: opts.cert ? readFileSync(opts.cert) : undefined, key: opts.key ? readFileSync(opts.key) : undefined, headers: text ? { 'Content-Type': opts.contentType ?? 'application/json' } : {} },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error(`${url}: timed out`)));
    req.on('error', reject);
    req.end(text);
  });
}
