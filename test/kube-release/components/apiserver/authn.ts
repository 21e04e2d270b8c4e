// Who is asking: the x509 client-certificate authenticator of the real apiserver (a cert
// signed by --client-ca-file; CN = user name, each O = a group), plus the anonymous user
// when --anonymous-auth is on. No usable certificate and no anonymous access → 401.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** An authenticated (or anonymous) user. */
export interface UserInfo {
  name: string;
  groups: string[];
}

/** The user behind a request on the secure port, or undefined for 401. */
export function authenticate(req: IncomingMessage, anonymous: boolean): UserInfo | undefined {
  const socket = req.socket as TLSSocket;
  if (socket.authorized) {
    const subject = socket.getPeerCertificate()?.subject ?? {};
    const cn = subject.CN;
    const o = subject.O;
    const groups = (Array.isArray(o) ? o : o ? [o] : []).concat('system:authenticated');
    if (cn) return { name: Array.isArray(cn) ? cn[0]! : cn, groups };
  }
  return anonymous ? { name: 'system:anonymous', groups: ['system:unauthenticated'] } : undefined;
}

/** Paths the 1.6 bootstrap policy lets anyone read (system:discovery, system:basic-user). */
export function isDiscoveryPath(path: string): boolean {
  return /^\/(healthz(\/.*)?|version|api(\/[^/]+)?|apis(\/[^/]+){0,2})$/.test(path);
}
