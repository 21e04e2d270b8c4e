// What the maintenance gates look at, always from outside the components: a TCP connect, an
// authenticated API read, a leader lock's renew time, dockerd's own container list on a node.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { HostExec } from '../verify.js';

/** The admin identity for API reads (ca.crt, admin.crt, admin.key of the cluster PKI). */
export interface AdminTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Read the admin identity from the PKI directory. */
export function adminTls(pkiDir: string): AdminTls {
  return { ca: readFileSync(join(pkiDir, 'ca.crt')), cert: readFileSync(join(pkiDir, 'admin.crt')), key: readFileSync(join(pkiDir, 'admin.key')) };
}

/** Whether a TCP port accepts: 'open', 'refused', or another error (unreachable, timeout). */
export function tcpState(host: string, port: number, timeoutMs = 2000): Promise<'open' | 'refused' | string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (v: string): void => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    s.on('connect', () => done('open'));
    s.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : (err.code ?? err.message)));
  });
}

export type ApiAnswer = { status: number; body: string } | { error: string };

/** An authenticated HTTPS request to an apiserver (or an entrance in front of one). */
export function apiCall(tls: AdminTls, host: string, port: number, method: string, path: string, body?: unknown, timeoutMs = 5000): Promise<ApiAnswer> {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = data === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) };
    const req = request({ host, port, path, method, headers, ca: tls.ca, cert: tls.cert, key: tls.key, timeout: timeoutMs, servername: undefined }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(data);
  });
}

/** A real API read (a namespace from etcd, not /healthz): the answer in one line, ok or not. */
export async function realRead(tls: AdminTls, host: string, port = 6443, timeoutMs = 5000): Promise<{ ok: boolean; what: string }> {
  const r = await apiCall(tls, host, port, 'GET', '/api/v1/namespaces/kube-system', undefined, timeoutMs);
  if ('error' in r) return { ok: false, what: r.error };
  return r.status === 200 ? { ok: true, what: 'GET namespaces/kube-system: 200' } : { ok: false, what: `GET namespaces/kube-system: HTTP ${r.status} ${r.body.trim().slice(0, 80)}` };
}

/** A leader lock of that era (Endpoints annotation): holder and seconds since its last renewal. */
export interface LeaderLock {
  holder?: string;
  renewedSecondsAgo?: number;
  renewTime?: string;
  leaseSeconds: number;
  error?: string;
}

/** Read a component's leader lock through any answering apiserver. */
export async function readLeaderLock(tls: AdminTls, hosts: string[], component: string, now = Date.now()): Promise<LeaderLock> {
  let last = 'no apiserver answers';
  for (const h of hosts) {
    const r = await apiCall(tls, h, 6443, 'GET', `/api/v1/namespaces/kube-system/endpoints/${component}`);
    if ('error' in r) {
      last = `${h}: ${r.error}`;
      continue;
    }
    if (r.status === 404) return { leaseSeconds: 15, error: 'no lock object' };
    if (r.status !== 200) {
      last = `${h}: HTTP ${r.status}`;
      continue;
    }
    const raw = JSON.parse(r.body)?.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader'];
    if (!raw) return { leaseSeconds: 15, error: 'no leader annotation' };
    const rec = JSON.parse(raw) as { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
    const age = (now - Date.parse(rec.renewTime ?? '')) / 1000;
    return { holder: rec.holderIdentity, renewTime: rec.renewTime, renewedSecondsAgo: Number.isFinite(age) ? Math.max(0, age) : undefined, leaseSeconds: rec.leaseDurationSeconds ?? 15 };
  }
  return { leaseSeconds: 15, error: last };
}

/** One container as dockerd reports it: what must not change during a maintenance window. */
export interface ContainerFact {
  id: string;
  name: string;
  running: boolean;
  startedAt: string;
  pid: number;
}

const DOCKER = "curl -sf --max-time 5 --unix-socket /var/run/docker.sock 'http://docker";

/** Every container dockerd knows on a node (running or not), read from its API on the host. */
export async function nodeContainers(exec: HostExec, node: string): Promise<ContainerFact[] | { error: string }> {
  const ls = await exec(node, `${DOCKER}/containers/json?all=1'`);
  if (ls.rc !== 0) return { error: ls.rc === -1 ? `unreachable: ${ls.stderr.trim()}` : `dockerd API unreadable (rc ${ls.rc})` };
  const ids = (JSON.parse(ls.stdout) as { Id: string }[]).map((c) => c.Id);
  if (!ids.length) return [];
  const inspect = await exec(node, ids.map((id) => `${DOCKER}/containers/${id}/json' && echo`).join(' && '));
  if (inspect.rc !== 0) return { error: `container inspect failed (rc ${inspect.rc})` };
  return inspect.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { Id: string; Name: string; State: { Running: boolean; StartedAt: string; Pid: number } })
    .map((c) => ({ id: c.Id, name: c.Name.replace(/^\//, ''), running: c.State.Running, startedAt: c.State.StartedAt, pid: c.State.Pid }));
}

/** Whether anything listens on a host's loopback port, asked on the host itself. */
export async function localPortOpen(exec: HostExec, host: string, port: number): Promise<boolean | { error: string }> {
  const r = await exec(host, `curl -s -o /dev/null --max-time 2 http://127.0.0.1:${port}/healthz; echo rc=$?`);
  if (r.rc === -1) return { error: `unreachable: ${r.stderr.trim()}` };
  // curl 7 = connection refused; anything else (0, 52, 56, 28) means something is there
  return !/rc=7\b/.test(r.stdout);
}

/** Whether a process of that binary runs on the host (matched by its path on the command line). */
export async function processRunning(exec: HostExec, host: string, binary: string): Promise<boolean | { error: string }> {
  const r = await exec(host, `pgrep -f '^(/usr/bin/env )?(node )?${binary}( |$)' >/dev/null; echo rc=$?`);
  if (r.rc === -1) return { error: `unreachable: ${r.stderr.trim()}` };
  return /rc=0\b/.test(r.stdout);
}
