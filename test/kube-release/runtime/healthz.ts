// The plain-HTTP health endpoint every component serves on its real default port
// (kubelet 127.0.0.1:10248, kube-proxy 127.0.0.1:10249, scheduler :10251, CM :10252...):
// GET /healthz → 200 "ok", or 500 with the reason when the check fails.
import http from 'node:http';
import { newLog } from './log.js';

const log = newLog('healthz.go');

/** A health check: true/undefined = healthy; a string or false = unhealthy (the string is the reason). */
export type HealthCheck = () => boolean | string | void | Promise<boolean | string | void>;

/** Extra plain-HTTP routes on the same listener (e.g. /metrics), path → handler. */
export type Routes = Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>;

/** Listen on host:port and serve /healthz; exits 1 with the real bind error text when the port is taken. */
export function serveHealthz(host: string, port: number, check: HealthCheck = () => true, routes: Routes = {}): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (routes[path]) return routes[path]!(req, res);
    if (path !== '/healthz' && path !== '/healthz/ping') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    Promise.resolve()
      .then(check)
      .then(
        (r) => {
          if (r === undefined || r === true) res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
          else res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`healthz check failed: ${r === false ? 'unhealthy' : r}\n`);
        },
        (e: Error) => res.writeHead(500).end(`healthz check failed: ${e.message}\n`),
      );
  });
  return new Promise((resolvePromise) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'bind: address already in use' : e.code === 'EADDRNOTAVAIL' ? 'bind: cannot assign requested address' : e.message;
      log.error(`Failed to start healthz server: listen tcp ${host}:${port}: ${why}`);
      process.exit(1);
    });
    server.listen(port, host, () => resolvePromise(server));
  });
}
