// Before a restore touches anything: is the target group a cluster drover deployed? An odd
// member count of at least 3, and on every member the certificates, the config naming this
// member with this data dir, and drover's unit using that config (not the distribution's
// default unit, which would start an etcd on 127.0.0.1).
import { quote } from '../connections/shell-quote.js';
import type { MemberAccess } from './etcdctl.js';

/** Why a group of this size cannot be restored onto, or undefined when it can. */
export function groupSizeProblem(group: string, size: number): string | undefined {
  if (size >= 3 && size % 2 === 1) return undefined;
  return `group '${group}' has ${size} member${size === 1 ? '' : 's'}; a restore needs an odd number of members, at least 3 (quorum survives one loss only from 3, and an even count adds no tolerance)`;
}

/** Paths the preflight checks on one member, from its vars (the deploy playbook's defaults). */
export interface PreflightPaths {
  name: string;
  access: MemberAccess;
  pkiDir: string;
  configFile: string;
  unitFile: string;
  dataDir: string;
  peerUrl: string;
}

/** Preflight paths from a member's vars. */
export function preflightPaths(name: string, vars: Record<string, unknown>, access: MemberAccess, dataDir: string, peerUrl: string): PreflightPaths {
  return {
    name,
    access,
    pkiDir: String(vars.etcd_pki_dir ?? '/etc/etcd/pki'),
    configFile: String(vars.etcd_config_file ?? '/etc/etcd/etcd.conf.yml'),
    unitFile: String(vars.etcd_unit_file ?? '/etc/systemd/system/etcd.service'),
    dataDir,
    peerUrl,
  };
}

/**
 * sh printing one `problem: ...` line per missing piece and `data-dir: present` when the data
 * dir exists; read-only.
 */
export function preflightScript(p: PreflightPaths): string {
  const files = [p.access.cacert, p.access.cert, p.access.key, `${p.pkiDir}/${p.name}.crt`, `${p.pkiDir}/${p.name}.key`];
  const need = (test: string, msg: string): string => `${test} || echo ${quote(`problem: ${msg}`)}`;
  return [
    ...files.map((f) => need(`[ -r ${quote(f)} ]`, `certificate or key ${f} missing`)),
    need(`[ -r ${quote(p.configFile)} ]`, `etcd config ${p.configFile} missing`),
    `if [ -r ${quote(p.configFile)} ]; then`,
    `  ${need(`grep -qx ${quote(`name: ${p.name}`)} ${quote(p.configFile)}`, `${p.configFile} does not name this member ${p.name}`)}`,
    `  ${need(`grep -qx ${quote(`data-dir: ${p.dataDir}`)} ${quote(p.configFile)}`, `${p.configFile} does not use data dir ${p.dataDir}`)}`,
    `  ${need(`grep -qx ${quote(`initial-advertise-peer-urls: ${p.peerUrl}`)} ${quote(p.configFile)}`, `${p.configFile} does not advertise ${p.peerUrl}`)}`,
    'fi',
    need(`[ -r ${quote(p.unitFile)} ]`, `etcd unit ${p.unitFile} missing (the distribution's default unit would start an etcd on 127.0.0.1)`),
    `[ -r ${quote(p.unitFile)} ] && { ${need(`grep -qF -- ${quote(p.configFile)} ${quote(p.unitFile)}`, `${p.unitFile} does not start etcd with ${p.configFile}`)}; }`,
    need('command -v etcdctl >/dev/null', 'etcdctl not installed'),
    `[ -d ${quote(p.dataDir)} ] && echo 'data-dir: present'`,
    'true',
  ].join('\n');
}
