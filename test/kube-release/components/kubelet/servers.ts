// The kubelet's listeners: healthz (127.0.0.1:10248 by default, plain HTTP "ok"), the main
// port 10250 over TLS (--tls-cert-file/--tls-private-key-file, or a self-signed pair written
// to --cert-dir as the real kubelet does), and the read-only port 10255 (0 turns it off).
// Only /healthz and /pods are served on the API ports; exec, logs, stats are not modelled.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { join } from 'node:path';
import type { KubeletConfig } from './config.js';

type Obj = Record<string, any>;

function handler(pods: () => Obj[]): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://kubelet').pathname;
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('ok');
    }
    if (path === '/pods' || path === '/pods/') {
      const text = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods() });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(text);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('404 page not found\n');
  };
}

function listen(server: Server, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** The serving pair for 10250: the flags' files, or a self-signed one in --cert-dir. */
export function servingPair(cfg: KubeletConfig): { cert: Buffer; key: Buffer } {
  if (cfg.tlsCertFile || cfg.tlsKeyFile) {
    for (const [flag, path] of [['--tls-cert-file', cfg.tlsCertFile], ['--tls-private-key-file', cfg.tlsKeyFile]]) {
      if (!path || !existsSync(path)) throw new Error(`unable to load server certificate: ${flag}=${path || '(empty)'}: no such file`);
    }
    return { cert: readFileSync(cfg.tlsCertFile), key: readFileSync(cfg.tlsKeyFile) };
  }
  const cert = join(cfg.certDir, 'kubelet.crt');
  const key = join(cfg.certDir, 'kubelet.key');
  if (!existsSync(cert) || !existsSync(key)) {
    mkdirSync(cfg.certDir, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '365', '-subj', `/CN=${cfg.nodeName}@${Math.floor(Date.now() / 1000)}`, '-keyout', key, '-out', cert], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

/** Start healthz, 10250 and 10255; resolves with the servers (to close on exit). */
export async function startServers(cfg: KubeletConfig, pods: () => Obj[]): Promise<Server[]> {
  const servers: Server[] = [];
  const health = createHttp((req, res) => {
    if (new URL(req.url ?? '/', 'http://k').pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('ok');
    }
    res.writeHead(404);
    res.end('404 page not found\n');
  });
  if (cfg.healthz.port > 0) servers.push(await listen(health, cfg.healthz.host, cfg.healthz.port));
  if (cfg.server.port > 0) servers.push(await listen(createHttps(servingPair(cfg), handler(pods)), cfg.server.host, cfg.server.port));
  if (cfg.readOnlyPort > 0) servers.push(await listen(createHttp(handler(pods)), cfg.server.host, cfg.readOnlyPort));
  return servers;
}
