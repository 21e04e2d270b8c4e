// The kubelet's API access over the release runtime's client: from its kubeconfig (server,
// CA, client certificate or token), or from the first --api-servers entry with the
// kubeconfig's credentials (1.5/1.6 without --require-kubeconfig). Only the verbs it uses,
// with a 404 on GET/DELETE read as "gone" rather than an error.
import { ApiClient, ApiError } from '../../runtime/api-client.js';
import { readKubeconfig } from '../../runtime/kubeconfig.js';

type Obj = Record<string, any>;

/** The verbs the kubelet stand-in needs. */
export interface KubeletApi {
  server: string;
  get(path: string): Promise<Obj | undefined>;
  post(path: string, body: unknown): Promise<Obj>;
  put(path: string, body: unknown): Promise<Obj>;
  /** DELETE with gracePeriodSeconds (0: remove now, as the kubelet does after stopping containers). */
  delete(path: string, gracePeriodSeconds?: number): Promise<Obj | undefined>;
}

/** The HTTP status of a failed call (0 for transport errors). */
export function statusOf(e: unknown): number {
  return e instanceof ApiError ? e.status : 0;
}

/** A client from a kubeconfig file; `serverOverride` replaces its server URL (--api-servers). */
export function apiFromKubeconfig(path: string, serverOverride?: string): KubeletApi {
  const kc = readKubeconfig(path);
  const server = serverOverride ? (serverOverride.includes('://') ? serverOverride : `https://${serverOverride}`) : undefined;
  const client = ApiClient.fromKubeconfig(kc, { userAgent: 'kubelet/stand-in', ...(server ? { server } : {}) });
  const gone = async <T>(p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  };
  return {
    server: client.server,
    get: (p) => gone(client.get(p)),
    post: (p, b) => client.post(p, b),
    put: (p, b) => client.update(p, b),
    delete: (p, grace) => gone(client.delete(p, { gracePeriodSeconds: grace })),
  };
}
