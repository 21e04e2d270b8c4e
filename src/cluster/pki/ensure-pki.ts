// Bring a cluster's PKI directory on the controller to what the cluster needs: keep what is
// valid, issue what is missing, re-issue what expires soon or lacks a name, and say why for
// each change. Private keys are written 0600 and never returned or printed.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import { clusterCertSpecs, type CertSpec, type PkiInput, type Signer } from './cert-specs.js';
import { reissueReason } from './inspect-cert.js';
import { newEcKey, newRsaKeyPair, selfSignedCa, signLeaf } from './openssl.js';

export interface PkiOptions {
  /** Re-issue a leaf that expires within this many days (kubespray/kubeadm users expect renewal ahead of time). */
  renewDays?: number;
  validityDays?: number;
  caValidityDays?: number;
  /** Report what would change; write nothing. */
  check?: boolean;
  apiserverPort?: number;
  now?: Date;
}

/** One file that was (or, in check mode, would be) written, and why. */
export interface PkiChange {
  file: string;
  reason: string;
}

export interface PkiResult {
  changed: PkiChange[];
  kept: string[];
  warnings: string[];
}

const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);

/** The kubeconfigs to write: file name, user name, and the certificate stem that authenticates it. */
export function kubeconfigSpecs(input: PkiInput): { file: string; user: string; cert: string }[] {
  const nodes = [...new Set([...input.controlPlane, ...input.nodes].map((h) => h.name))];
  return [
    { file: 'admin.conf', user: 'kubernetes-admin', cert: 'admin' },
    { file: 'controller-manager.conf', user: 'system:kube-controller-manager', cert: 'kube-controller-manager' },
    { file: 'scheduler.conf', user: 'system:kube-scheduler', cert: 'kube-scheduler' },
    { file: 'kube-proxy.conf', user: 'system:kube-proxy', cert: 'kube-proxy' },
    ...nodes.map((n) => ({ file: `kubelet-${n}.conf`, user: `system:node:${n.toLowerCase()}`, cert: `node-${n}` })),
  ];
}

/** A kubeconfig with the CA, client certificate and key embedded, as kubeadm writes them. */
export function renderKubeconfig(clusterName: string, server: string, user: string, caPem: string, certPem: string, keyPem: string): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) } }],
    contexts: [{ name: `${user}@${clusterName}`, context: { cluster: clusterName, user } }],
    'current-context': `${user}@${clusterName}`,
  });
}

/** Ensure every CA, key pair, leaf certificate and kubeconfig under `dir`. */
export async function ensurePki(dir: string, input: PkiInput, options: PkiOptions = {}): Promise<PkiResult> {
  const { renewDays = 30, validityDays = 365, caValidityDays = 3650, check = false, apiserverPort = 6443, now = new Date() } = options;
  const result: PkiResult = { changed: [], kept: [], warnings: [] };
  if (!check) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = (f: string): string => join(dir, f);
  const write = (f: string, data: string, mode: number): void => {
    if (check) return;
    mkdirSync(dirname(path(f)), { recursive: true, mode: 0o700 });
    writeFileAtomic(path(f), data, mode);
  };
  // In check mode nothing is written, so what would be new is kept in memory for the later steps.
  const pending = new Map<string, string>();
  const content = (f: string): string | undefined => pending.get(f) ?? read(path(f));
  const put = (f: string, data: string, mode: number, reason: string): void => {
    pending.set(f, data);
    write(f, data, mode);
    result.changed.push({ file: f, reason });
  };

  const cas: Partial<Record<Signer, string>> = { ca: 'kubernetes', 'front-proxy-ca': 'front-proxy-ca', ...(input.etcd?.length ? { 'etcd/ca': 'etcd-ca' } : {}) };
  const renewedCa = new Set<Signer>();
  for (const [signer, cn] of Object.entries(cas) as [Signer, string][]) {
    const certPem = read(path(`${signer}.crt`));
    const keyPem = read(path(`${signer}.key`));
    let reason: string | undefined;
    if (!certPem || !keyPem) reason = 'missing';
    else {
      try {
        const cert = new X509Certificate(certPem);
        if (!cert.ca) reason = 'it is not a CA certificate';
        else if (!cert.checkPrivateKey(createPrivateKey(keyPem))) reason = 'the key does not match the certificate';
        else if (new Date(cert.validTo).getTime() - now.getTime() < renewDays * 86_400_000) result.warnings.push(`${signer}.crt expires ${new Date(cert.validTo).toISOString().slice(0, 10)}: rotating a CA is a planned operation, Drover does not do it on its own`);
      } catch {
        reason = 'it does not parse';
      }
    }
    if (!reason) {
      result.kept.push(`${signer}.crt`);
      continue;
    }
    // A CA that exists but is broken is never replaced silently: every certificate of the cluster hangs on it.
    if (certPem || keyPem) throw new Error(`${path(`${signer}.crt`)}: ${reason}; fix or remove the CA files by hand (every certificate of the cluster depends on them)`);
    const key = newEcKey();
    put(`${signer}.key`, key, 0o600, 'new CA key');
    put(`${signer}.crt`, await selfSignedCa(key, cn, caValidityDays), 0o644, 'new CA');
    renewedCa.add(signer);
  }

  const sa = content('sa.key');
  if (!sa || !content('sa.pub')) {
    const pair = newRsaKeyPair();
    put('sa.key', pair.key, 0o600, 'new service-account signing key');
    put('sa.pub', pair.pub, 0o644, 'new service-account public key');
  } else if (createPublicKey(sa).export({ type: 'spki', format: 'pem' }).toString() !== content('sa.pub')) {
    put('sa.pub', createPublicKey(sa).export({ type: 'spki', format: 'pem' }).toString(), 0o644, 'sa.pub did not match sa.key');
  } else result.kept.push('sa.key');

  for (const spec of clusterCertSpecs(input)) await ensureLeaf(spec);

  const server = `https://${input.apiserverVip ?? input.controlPlane[0]?.ip ?? '127.0.0.1'}:${apiserverPort}`;
  for (const k of kubeconfigSpecs(input)) {
    const want = renderKubeconfig(input.clusterName, server, k.user, content('ca.crt')!, content(`${k.cert}.crt`)!, content(`${k.cert}.key`)!);
    const have = read(path(k.file));
    if (have === want) result.kept.push(k.file);
    else put(k.file, want, 0o600, have === undefined ? 'missing' : 'its server, CA or client certificate changed');
  }
  return result;

  async function ensureLeaf(spec: CertSpec): Promise<void> {
    const certPem = content(`${spec.file}.crt`);
    const keyPem = content(`${spec.file}.key`);
    const caPem = content(`${spec.signer}.crt`)!;
    let reason: string | undefined = !certPem || !keyPem ? 'missing' : undefined;
    if (!reason && renewedCa.has(spec.signer)) reason = 'its CA was created';
    reason ??= reissueReason(spec, { certPem: certPem!, keyPem: keyPem!, ca: new X509Certificate(caPem), now, renewDays });
    if (!reason) {
      result.kept.push(`${spec.file}.crt`);
      return;
    }
    const key = newEcKey();
    // In check mode the CA may exist only in memory, so nothing is signed: the change is recorded.
    const cert = check ? '' : await signLeaf(key, spec, path(`${spec.signer}.crt`), path(`${spec.signer}.key`), validityDays);
    put(`${spec.file}.key`, key, 0o600, reason);
    put(`${spec.file}.crt`, cert, 0o644, reason);
  }
}
