// The simulator's TLS: an EC CA and a server certificate for 127.0.0.1/localhost, made with
// the openssl CLI, so clients verify the server as they would a real apiserver.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Write ca.crt and server.crt/.key into dir (valid for 127.0.0.1 and `ip`); returns the key pair and the CA path. */
export function makeServerPki(dir: string, ip = '127.0.0.1'): { key: Buffer; cert: Buffer; caFile: string } {
  mkdirSync(dir, { recursive: true });
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  openssl(dir, ['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '3650', '-subj', '/CN=drover-sim-ca', '-out', 'ca.crt', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key']);
  openssl(dir, ['req', '-new', '-key', 'server.key', '-subj', '/CN=kube-apiserver', '-out', 'server.csr']);
  const extraIp = ip === '127.0.0.1' ? '' : `IP:${ip},`;
  writeFileSync(join(dir, 'server.ext'), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,${extraIp}DNS:localhost,DNS:kubernetes.default\n`);
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '825', '-sha256', '-extfile', 'server.ext', '-out', 'server.crt']);
  return { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')), caFile: join(dir, 'ca.crt') };
}
