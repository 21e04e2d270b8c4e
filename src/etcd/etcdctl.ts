// etcdctl command lines for one member, built from its inventory vars (TLS flags explicit, so
// nothing depends on a shell profile on the host).
import { quote } from '../connections/shell-quote.js';

export interface MemberAccess {
  name: string;
  endpoint: string;
  cacert: string;
  cert: string;
  key: string;
}

/** How to reach a member's etcd from its own host. */
export function memberAccess(name: string, vars: Record<string, unknown>): MemberAccess {
  const pki = String(vars.etcd_pki_dir ?? '/etc/etcd/pki');
  const ip = String(vars.etcd_ip ?? vars.ansible_host ?? name);
  return {
    name,
    endpoint: String(vars.etcd_endpoint ?? `https://${ip}:${vars.etcd_client_port ?? 2379}`),
    cacert: String(vars.etcd_cacert ?? `${pki}/ca.crt`),
    cert: String(vars.etcd_cert ?? `${pki}/client.crt`),
    key: String(vars.etcd_key ?? `${pki}/client.key`),
  };
}

/** `etcdctl ARGS` against this member only; probes pass a short timeout (seconds), long commands keep 120 s. */
export function etcdctl(m: MemberAccess, args: string, timeoutS = 120): string {
  const dial = Math.min(5, timeoutS);
  return `ETCDCTL_API=3 etcdctl --endpoints=${quote(m.endpoint)} --cacert=${quote(m.cacert)} --cert=${quote(m.cert)} --key=${quote(m.key)} --dial-timeout=${dial}s --command-timeout=${timeoutS}s ${args}`;
}

/** etcdctl arguments that count the keys under a prefix ('' = every user key), optionally at a revision: the count, not the keys. */
export function countKeysArgs(prefix: string, revision?: number): string {
  return `get ${quote(prefix)} --prefix --keys-only --limit=1${revision ? ` --rev=${revision}` : ''} -w json`;
}

/** The count of a `get ... -w json` answer (protobuf JSON omits a zero count). */
export function parseCount(stdout: string): number {
  return Number((JSON.parse(stdout) as { count?: number }).count ?? 0);
}
