// Reads a kubeconfig the way client-go's clientcmd does for the fields the stand-ins use:
// current-context → cluster (server, certificate-authority[-data]) and user
// (client-certificate[-data], client-key[-data], token); relative paths resolve against
// the kubeconfig's own directory. Errors say which field and file are wrong.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** What a client needs from a kubeconfig, with the referenced files already read. */
export interface ResolvedKubeconfig {
  path: string;
  context: string;
  server: string;
  /** PEM text of the cluster CA, if any. */
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTlsVerify: boolean;
}

const ERRNO_TEXT: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'not a directory' };

/** Read a file, with Go's `open PATH: reason` text on failure. */
export function readFileGoStyle(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new Error(`open ${path}: ${ERRNO_TEXT[code] ?? (e as Error).message}`);
  }
}

function named<T>(list: unknown, name: string, what: string, path: string): T {
  const hit = Array.isArray(list) ? list.find((x) => x && typeof x === 'object' && (x as { name?: unknown }).name === name) : undefined;
  if (!hit) throw new Error(`invalid configuration: ${what} ${JSON.stringify(name)} not found in ${path}`);
  return (hit as Record<string, T>)[what] as T;
}

/** Parse and resolve a kubeconfig file; throws with a clientcmd-like message when it is unusable. */
export function readKubeconfig(path: string): ResolvedKubeconfig {
  const text = readFileGoStyle(path);
  let doc: any;
  try {
    doc = parse(text);
  } catch (e) {
    throw new Error(`error loading config file "${path}": ${(e as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`error loading config file "${path}": not a kubeconfig (no mapping at the top)`);
  const context = String(doc['current-context'] ?? '');
  if (!context) throw new Error(`invalid configuration: no current-context in ${path}`);
  const ctx = named<Record<string, unknown>>(doc.contexts, context, 'context', path) ?? {};
  const cluster = named<Record<string, unknown>>(doc.clusters, String(ctx.cluster ?? ''), 'cluster', path) ?? {};
  const user = ctx.user ? (named<Record<string, unknown>>(doc.users, String(ctx.user), 'user', path) ?? {}) : {};
  const server = String(cluster.server ?? '');
  if (!server) throw new Error(`invalid configuration: no server found for cluster ${JSON.stringify(ctx.cluster)} in ${path}`);
  const base = dirname(path);
  const fromFileOrData = (fileKey: string, dataKey: string, src: Record<string, unknown>, what: string): string | undefined => {
    if (typeof src[dataKey] === 'string' && src[dataKey]) return Buffer.from(src[dataKey] as string, 'base64').toString('utf8');
    if (typeof src[fileKey] === 'string' && src[fileKey]) {
      const p = isAbsolute(src[fileKey] as string) ? (src[fileKey] as string) : resolve(base, src[fileKey] as string);
      try {
        return readFileGoStyle(p);
      } catch (e) {
        throw new Error(`unable to read ${what} ${p} for ${context} due to ${(e as Error).message}`);
      }
    }
    return undefined;
  };
  const ca = fromFileOrData('certificate-authority', 'certificate-authority-data', cluster, 'certificate-authority');
  const cert = fromFileOrData('client-certificate', 'client-certificate-data', user, 'client-cert');
  const key = fromFileOrData('client-key', 'client-key-data', user, 'client-key');
  if (Boolean(cert) !== Boolean(key)) throw new Error(`invalid configuration: client-cert and client-key must both be specified for ${ctx.user} in ${path}`);
  const token = typeof user.token === 'string' && user.token ? user.token : undefined;
  return { path, context, server, ca, cert, key, token, insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true };
}
