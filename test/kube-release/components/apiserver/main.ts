// The stand-in kube-apiserver: serves the API over TLS on --bind-address:--secure-port
// (client certificates checked against --client-ca-file), and without authentication on
// --insecure-bind-address:--insecure-port, storing every object in the real etcd cluster of
// --etcd-servers (etcd v3 API, client-certificate TLS) under the real /registry keys.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { ApiError } from '../../../k8s-sim/store.js';
import type { ParsedFlags } from '../../runtime/flags.js';
import { newLog } from '../../runtime/log.js';
import { caFromFlag, keyPairFromFlags } from '../../runtime/files.js';
import { makeApiHandler, sendJson, statusBody } from './api-handler.js';
import { authenticate, isDiscoveryPath } from './authn.js';
import { reconcileMasterObjects } from './bootstrap.js';
import { COMPACT_INTERVAL_MS, startCompactor } from './compactor.js';
import { EtcdClient } from './etcd-client.js';
import { EtcdStore } from './etcd-store.js';
import { resolveOptions } from './options.js';

const log = newLog('server.go');

/** Entry called by bin/kube-apiserver after flag parsing. */
export async function main(flags: ParsedFlags, ctx: { version: string; patched: boolean }): Promise<void> {
  let o;
  try {
    o = resolveOptions(flags, ctx.version);
  } catch (e) {
    return log.fatal((e as Error).message);
  }
  for (const w of o.warnings) log.warning(w);
  log.info(`Version: ${ctx.version}`);
  const serving = keyPairFromFlags(flags, 'tls-cert-file', 'tls-private-key-file', { required: true })!;
  const clientCa = caFromFlag(flags, 'client-ca-file');
  const etcdCa = caFromFlag(flags, 'etcd-cafile');
  const etcdPair = keyPairFromFlags(flags, 'etcd-certfile', 'etcd-keyfile');
  const pem = (text: string | undefined): Buffer | undefined => (text === undefined ? undefined : Buffer.from(text));
  const tls = { cert: serving.cert.pem, key: serving.key.pem };
  const etcdTls = { endpoints: o.etcdServers, ca: pem(etcdCa?.pem), cert: pem(etcdPair?.cert.pem), key: pem(etcdPair?.key.pem) };
  const etcd = new EtcdClient(etcdTls);

  if (o.backend === 'etcd2') {
    // etcd 3.4 serves no v2 keys API unless started with --enable-v2, and this stand-in speaks only v3
    log.fatal(`storage backend "etcd2" is not supported by this stand-in (it stores through the etcd v3 API only): pass --storage-backend=etcd3`);
  }
  log.info(`storage: etcd3 at ${o.etcdServers.join(',')}, prefix ${o.etcdPrefix}, media type ${o.media === 'protobuf' ? 'application/vnd.kubernetes.protobuf' : 'application/json'}`);

  const store = new EtcdStore(etcd, { prefix: o.etcdPrefix, media: o.media, canReadProtobuf: o.minor >= 6, logError: (m) => log.error(m) });
  const api = makeApiHandler({ store, version: ctx.version, serverAddress: `${o.advertiseAddress}:${o.securePort}` });

  const serve = (req: IncomingMessage, res: ServerResponse, secure: boolean): void => {
    const path = new URL(req.url ?? '/', 'https://apiserver').pathname.replace(/\/+$/, '') || '/';
    if (secure) {
      const user = authenticate(req, o.anonymous);
      if (!user) return sendJson(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
      // 1.6's bootstrap RBAC policy lets anyone read discovery and /healthz; 1.5 has no such role
      if (user.name === 'system:anonymous' && !(o.minor >= 6 && isDiscoveryPath(path))) return sendJson(res, 403, statusBody(403, 'Forbidden', `User "system:anonymous" cannot ${(req.method ?? 'get').toLowerCase()} path "${path}".`));
    }
    api(req, res).catch((err: unknown) => {
      if (err instanceof ApiError) {
        if (!res.headersSent) return sendJson(res, err.code, statusBody(err.code, err.reason, err.message, err.details));
        return void res.end();
      }
      log.error(`${req.method} ${path}: ${(err as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, statusBody(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`));
      else res.end();
    });
  };

  const secure = createHttpsServer({ ...tls, ca: clientCa?.pem, requestCert: true, rejectUnauthorized: false }, (req, res) => serve(req, res, true));
  const servers = [secure];
  await new Promise<void>((resolve, reject) => {
    secure.once('error', reject);
    secure.listen(o.securePort, o.bindAddress, () => resolve());
  }).catch((e: Error) => log.fatal(`failed to listen on ${o.bindAddress}:${o.securePort}: ${e.message}`));
  log.info(`Serving securely on ${o.bindAddress}:${o.securePort}`);
  if (o.insecurePort > 0) {
    const insecure = createHttpServer((req, res) => serve(req, res, false));
    servers.push(insecure as never);
    await new Promise<void>((resolve, reject) => {
      insecure.once('error', reject);
      insecure.listen(o.insecurePort, o.insecureBindAddress, () => resolve());
    }).catch((e: Error) => log.fatal(`failed to listen on ${o.insecureBindAddress}:${o.insecurePort}: ${e.message}`));
    log.info(`Serving insecurely on ${o.insecureBindAddress}:${o.insecurePort}`);
  }

  const cfg = { minor: o.minor, serviceIp: o.serviceIp, advertiseAddress: o.advertiseAddress, securePort: o.securePort, apiserverCount: o.apiserverCount };
  const reconcile = (): void => {
    reconcileMasterObjects(store, cfg).catch((e: Error) => log.error(`Unable to reconcile the kubernetes service and endpoints: ${e.message}`));
  };
  reconcile();
  const timer = setInterval(reconcile, 10_000);
  const stopCompactor = startCompactor(etcd, COMPACT_INTERVAL_MS, log);

  const stop = (): void => {
    clearInterval(timer);
    stopCompactor();
    log.info('Received termination signal, shutting down');
    for (const s of servers) s.close();
    etcd.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
