// Docker container names as each kubelet writes them, and the parse that tells them apart:
//   1.5 (dockertools):  k8s_<ctr>.<hash hex>_<pod>_<ns>_<uid>_<8 hex random>   (infra: POD)
//   1.6 CRI (dockershim): k8s_<ctr>_<pod>_<ns>_<uid>_<attempt>, sandbox k8s_POD_...
// Pod, namespace, container names and uids cannot hold `_` or `.` in a DNS label, so the
// six `_` fields and the `.` in the first one are unambiguous.
import { randomBytes } from 'node:crypto';

/** The infra/sandbox container's container name in both schemes. */
export const POD_INFRA = 'POD';

/** What a managed container's name says about it. */
export interface ParsedName {
  scheme: 'legacy' | 'cri';
  container: string;
  pod: string;
  namespace: string;
  uid: string;
  /** legacy: the hash in the name; cri: undefined */
  hash?: string;
  /** cri: the attempt number; legacy: undefined */
  attempt?: number;
}

/** 1.5-style name: k8s_<ctr>.<hash>_<pod>_<ns>_<uid>_<random>. */
export function legacyName(container: string, hash: string, pod: string, namespace: string, uid: string): string {
  return `k8s_${container}.${hash}_${pod}_${namespace}_${uid}_${randomBytes(4).toString('hex')}`;
}

/** 1.6 CRI name: k8s_<ctr>_<pod>_<ns>_<uid>_<attempt> (sandbox: ctr = POD). */
export function criName(container: string, pod: string, namespace: string, uid: string, attempt: number): string {
  return `k8s_${container}_${pod}_${namespace}_${uid}_${attempt}`;
}

/** Parse a docker name (with or without its leading slash); undefined if no kubelet made it. */
export function parseName(dockerName: string): ParsedName | undefined {
  const parts = dockerName.replace(/^\//, '').split('_');
  if (parts.length !== 6 || parts[0] !== 'k8s') return undefined;
  const [, first, pod, namespace, uid, last] = parts as [string, string, string, string, string, string];
  const dot = first.indexOf('.');
  if (dot > 0) return { scheme: 'legacy', container: first.slice(0, dot), hash: first.slice(dot + 1), pod, namespace, uid };
  if (!/^\d+$/.test(last)) return undefined;
  return { scheme: 'cri', container: first, pod, namespace, uid, attempt: Number(last) };
}
