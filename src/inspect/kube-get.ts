// GETs against the API server of a kubeconfig (its CA, client certificate or token), for the
// cluster checks: read-only, one short timeout per request.
import { request, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import { InputError } from '../cli/errors.js';

/** A GET function bound to the kubeconfig's current context. */
export async function kubeGetter(kubeconfig: string, timeoutMs = 10_000): Promise<(path: string) => Promise<{ status: number; body: any }>> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(kubeconfig);
  } catch (err) {
    throw new InputError(`cannot read kubeconfig: ${(err as Error).message}`, { file: kubeconfig, field: '--kubeconfig' });
  }
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new InputError('kubeconfig has no current cluster', { file: kubeconfig, field: '--kubeconfig' });
  const base: RequestOptions = {};
  await kc.applyToHTTPSOptions(base);
  return (path) =>
    new Promise((resolve, reject) => {
      const url = new URL(path, server);
      const send = url.protocol === 'http:' ? httpRequest : request;
      const req = send(url, { ...base, method: 'GET', timeout: timeoutMs, headers: { ...(base.headers ?? {}), accept: 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // /healthz answers plain text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from ${url.host} within ${timeoutMs / 1000} s`)));
      req.on('error', reject);
      req.end();
    });
}
