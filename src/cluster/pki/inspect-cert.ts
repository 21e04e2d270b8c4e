// Decide whether an existing certificate can be kept: the reason it must be re-issued, or
// undefined. Parsing is node:crypto's X509Certificate, so no openssl call is needed to check.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { CertSpec } from './cert-specs.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** The DNS names and IP addresses a certificate's subjectAltName lists. */
export function sansOf(cert: X509Certificate): { dns: Set<string>; ips: Set<string> } {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const part of (cert.subjectAltName ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) dns.add(part.slice(4));
    else if (part.startsWith('IP Address:')) ips.add(part.slice(11).toLowerCase());
  }
  return { dns, ips };
}

/** Subject fields as node prints them ("O=a\nCN=b"), grouped by attribute. */
function subjectFields(cert: X509Certificate): { cn: string[]; o: string[] } {
  const lines = cert.subject.split('\n');
  return { cn: lines.filter((l) => l.startsWith('CN=')).map((l) => l.slice(3)), o: lines.filter((l) => l.startsWith('O=')).map((l) => l.slice(2)).sort() };
}

export interface KeepCheck {
  certPem: string;
  keyPem: string;
  ca: X509Certificate;
  now: Date;
  renewDays: number;
}

/** Why this leaf must be re-issued (missing SAN, wrong identity, other CA, expiring, key mismatch), or undefined to keep it. */
export function reissueReason(spec: CertSpec, c: KeepCheck): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(c.certPem);
  } catch {
    return 'the certificate does not parse';
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(c.keyPem))) return 'the key does not match the certificate';
  } catch {
    return 'the key does not parse';
  }
  if (!cert.checkIssued(c.ca) || !cert.verify(c.ca.publicKey)) return 'it was not signed by the current CA';
  const expires = new Date(cert.validTo);
  if (expires.getTime() - c.now.getTime() < c.renewDays * 86_400_000) return `it expires ${expires.toISOString().slice(0, 10)}, within cert_renew_days (${c.renewDays})`;
  const subj = subjectFields(cert);
  if (subj.cn.join() !== spec.cn || subj.o.join() !== [...spec.org].sort().join()) return `its subject is CN=${subj.cn.join()}${subj.o.length ? ` O=${subj.o.join(',')}` : ''}, wanted CN=${spec.cn}${spec.org.length ? ` O=${spec.org.join(',')}` : ''}`;
  const eku = cert.keyUsage ?? [];
  if (spec.server && !eku.includes(SERVER_AUTH)) return 'it lacks the serverAuth usage';
  if (spec.client && !eku.includes(CLIENT_AUTH)) return 'it lacks the clientAuth usage';
  const have = sansOf(cert);
  const missing = [...spec.dns.filter((d) => !have.dns.has(d)).map((d) => `DNS:${d}`), ...spec.ips.filter((i) => !have.ips.has(i.toLowerCase())).map((i) => `IP:${i}`)];
  if (missing.length) return `it lacks SAN ${missing.join(', ')}`;
  return undefined;
}
