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

/** `etcdctl ARGS` against this member only. */
export function etcdctl(m: MemberAccess, args: string): string {
  return `ETCDCTL_API=3 etcdctl --endpoints=${quote(m.endpoint)} --cacert=${quote(m.cacert)} --cert=${quote(m.cert)} --key=${quote(m.key)} --dial-timeout=5s --command-timeout=120s ${args}`;
}
