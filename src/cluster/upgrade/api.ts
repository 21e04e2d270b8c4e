// A small apiserver client for the upgrade's gates and labels: the admin identity from the
// cluster's PKI, one apiserver address (the VIP, or one host's own to prove that host).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

/** The answer of one request: status and parsed body, or the transport error. */
export type ApiAnswer = { status: number; body: any } | { error: string };

/** Admin TLS material read once from the PKI directory. */
export interface AdminTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Read the admin identity the deploy wrote. */
export function adminTls(pkiDir: string): AdminTls {
  return { ca: readFileSync(join(pkiDir, 'ca.crt')), cert: readFileSync(join(pkiDir, 'admin.crt')), key: readFileSync(join(pkiDir, 'admin.key')) };
}

/** One HTTPS request to host:6443; never throws. */
export function apiCall(tls: AdminTls, host: string, method: string, path: string, body?: unknown, timeoutMs = 8000): Promise<ApiAnswer> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    const req = request({ host, port: 6443, path, method, ca: tls.ca, cert: tls.cert, key: tls.key, timeout: timeoutMs, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON: keep the text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (err) => resolve({ error: err.message }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The body of a 2xx answer, else an Error naming what went wrong. */
export async function apiOk(tls: AdminTls, host: string, method: string, path: string, body?: unknown): Promise<any> {
  const a = await apiCall(tls, host, method, path, body);
  if ('error' in a) throw new Error(`${method} ${path} via ${host}: ${a.error}`);
  if (a.status < 200 || a.status > 299) throw new Error(`${method} ${path} via ${host}: HTTP ${a.status} ${typeof a.body === 'string' ? a.body.slice(0, 200) : (a.body?.message ?? '')}`);
  return a.body;
}

/** A node as the upgrade reads it. */
export interface NodeView {
  name: string;
  ready: boolean;
  kubeletVersion?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  unschedulable: boolean;
}

/** Every node of the cluster. */
export async function listNodes(tls: AdminTls, via: string): Promise<NodeView[]> {
  const list = await apiOk(tls, via, 'GET', '/api/v1/nodes');
  return (list.items ?? []).map((n: any) => ({
    name: n.metadata.name,
    ready: n.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True',
    kubeletVersion: n.status?.nodeInfo?.kubeletVersion,
    labels: n.metadata.labels ?? {},
    annotations: n.metadata.annotations ?? {},
    unschedulable: n.spec?.unschedulable === true,
  }));
}

/** Merge labels and annotations into a node (null removes one). */
export async function markNode(tls: AdminTls, via: string, name: string, labels: Record<string, string | null>, annotations: Record<string, string | null> = {}): Promise<void> {
  await apiOk(tls, via, 'PATCH', `/api/v1/nodes/${encodeURIComponent(name)}`, { metadata: { labels, annotations } });
}
