// A probe run inside the fleet's hub network (node --import tsx apiserver-probe.ts CONFIG_JSON):
// it polls EACH apiserver directly on its own address, never the VIP: GET /version (who is
// answering), then real reads of objects created under 1.5 (lists of nodes, pods and
// configmaps, a secret, the controller-manager's leader lock), and a merge patch of its own
// configmap through that apiserver, so every apiserver also reads what the others wrote.
// One JSON line per request on stdout; SIGTERM ends it.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the probe is told. */
export interface ProbeConfig {
  pkiDir: string;
  hosts: { name: string; ip: string }[];
  reads: string[];
  /** PATCH /api/v1/namespaces/default/configmaps/<writePrefix><host> each round */
  writePrefix?: string;
  intervalMs: number;
}

/** One request as the probe saw it. */
export interface ProbeSample {
  t: number;
  host: string;
  /** the gitVersion /version gave just before (undefined: it did not answer) */
  version?: string;
  path: string;
  method: string;
  /** ok: 2xx; down: no HTTP answer (refused, reset, timeout); decode: a 5xx "unable to decode"; http: any other status */
  kind: 'ok' | 'down' | 'decode' | 'http';
  status?: number;
  message?: string;
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as ProbeConfig;
const tls = { ca: readFileSync(join(cfg.pkiDir, 'ca.crt')), cert: readFileSync(join(cfg.pkiDir, 'admin.crt')), key: readFileSync(join(cfg.pkiDir, 'admin.key')) };

function call(ip: string, method: string, path: string, body?: unknown): Promise<{ status?: number; text: string; error?: string }> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json', ...(payload ? { 'content-type': 'application/merge-patch+json' } : {}) };
    const req = request({ host: ip, port: 6443, path, method, ...tls, headers, timeout: 4000, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
      res.on('error', (e) => resolve({ text, error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ text: '', error: e.code ?? e.message }));
    if (payload) req.write(payload);
    req.end();
  });
}

function sample(host: string, version: string | undefined, method: string, path: string, r: { status?: number; text: string; error?: string }): ProbeSample {
  const base = { t: Date.now(), host, version, path, method };
  if (r.error || r.status === undefined) return { ...base, kind: 'down', message: r.error };
  if (r.status >= 200 && r.status < 300) return { ...base, kind: 'ok', status: r.status };
  return { ...base, kind: r.status >= 500 && /unable to decode/.test(r.text) ? 'decode' : 'http', status: r.status, message: r.text.slice(0, 300) };
}

let running = true;
process.on('SIGTERM', () => (running = false));

async function pollHost(h: { name: string; ip: string }): Promise<void> {
  for (let round = 0; running; round++) {
    const v = await call(h.ip, 'GET', '/version');
    let version: string | undefined;
    try {
      version = v.status === 200 ? (JSON.parse(v.text).gitVersion as string) : undefined;
    } catch {
      version = undefined;
    }
    const out: ProbeSample[] = [];
    for (const path of cfg.reads) out.push(sample(h.name, version, 'GET', path, await call(h.ip, 'GET', path)));
    if (cfg.writePrefix) {
      const path = `/api/v1/namespaces/default/configmaps/${cfg.writePrefix}${h.name}`;
      out.push(sample(h.name, version, 'PATCH', path, await call(h.ip, 'PATCH', path, { data: { round: String(round), by: version ?? '?' } })));
    }
    process.stdout.write(out.map((s) => `${JSON.stringify(s)}\n`).join(''));
    await sleep(cfg.intervalMs);
  }
}

await Promise.all(cfg.hosts.map(pollHost));
