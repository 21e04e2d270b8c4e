#!/usr/bin/env node
// The user-facing entrance of the cluster world: a plain TCP frontend (what an haproxy
// frontend does in production) from --listen to the local apiserver. TLS passes through, so
// users see the apiserver's own certificate. Stopping this unit closes the users' door while
// the components keep their own endpoint (the VIP on 6443).
import { createConnection, createServer } from 'node:net';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const [listenHost, listenPort] = arg('listen', '0.0.0.0:7443').split(/:(?=\d+$)/);
const [toHost, toPort] = arg('to', '127.0.0.1:6443').split(/:(?=\d+$)/);

const server = createServer((client) => {
  const upstream = createConnection({ host: toHost, port: Number(toPort) });
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(Number(listenPort), listenHost, () => console.log(`kube-entrance: ${listenHost}:${listenPort} -> ${toHost}:${toPort}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
