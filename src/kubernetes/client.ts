// One authenticated Kubernetes client per (kubeconfig, context), shared by the pod-exec
// connection, the pod inventory and the kubernetes modules, so a run over thousands of pods
// reads the kubeconfig once and reuses one set of API clients.
import { CoreV1Api, createConfiguration, Exec, KubeConfig, KubernetesObjectApi, ServerConfiguration, type RequestContext } from '@kubernetes/client-node';
import { apiCallsInterrupted, apiTimeoutSeconds, apiCallSignal } from './api-deadline.js';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Which cluster to talk to: a kubeconfig file and a context in it (both optional). */
export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
}

export interface KubeClient {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly objects: KubernetesObjectApi;
  readonly exec: Exec;
  /** The context's namespace, else `default`. */
  readonly defaultNamespace: string;
  /** The kubeconfig file this client was read from (for error messages). */
  readonly source: string;
}

const clients = new Map<string, KubeClient>();

/** The kubeconfig path in force: the explicit one, else $KUBECONFIG (first entry), else ~/.kube/config. */
export function kubeconfigPath(explicit?: string): string {
  if (explicit) return explicit.replace(/^~(?=\/)/, homedir());
  const env = process.env.KUBECONFIG?.split(':').find(Boolean);
  return env ?? join(homedir(), '.kube', 'config');
}

/** The shared client for a kubeconfig and context; read on first use. Throws if the file or context is bad. */
export function kubeClient(target: KubeTarget = {}): KubeClient {
  const source = kubeconfigPath(target.kubeconfig);
  const key = `${source}\0${target.context ?? ''}`;
  let c = clients.get(key);
  if (!c) {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(source);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new KubeconfigError(`cannot read the kubeconfig ${source}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, 'kubeconfig');
    }
    if (target.context) {
      if (!kc.getContexts().some((x) => x.name === target.context)) {
        throw new KubeconfigError(`context '${target.context}' is not in ${source} (has: ${kc.getContexts().map((x) => x.name).join(', ')})`, 'context');
      }
      kc.setCurrentContext(target.context);
    }
    if (!kc.getCurrentCluster()) throw new KubeconfigError(`${source}: no current cluster (set current-context or pass a context)`, 'context');
    const ctx = kc.getContextObject(kc.getCurrentContext());
    // every request gets a deadline (and the run's interrupt) through the one hook all API classes call
    const timed = {
      async applySecurityAuthentication(rc: RequestContext): Promise<void> {
        await kc.applySecurityAuthentication(rc);
        if (!rc.getSignal()) rc.setSignal(apiCallSignal());
      },
    };
    const config = createConfiguration({ baseServer: new ServerConfiguration(kc.getCurrentCluster()!.server, {}), authMethods: { default: timed as unknown as KubeConfig } });
    const objects = new KubernetesObjectApi(config);
    (objects as unknown as { setDefaultNamespace(k: KubeConfig): void }).setDefaultNamespace(kc); // what KubernetesObjectApi.makeApiClient does
    c = {
      kc,
      core: new CoreV1Api(config),
      objects,
      exec: new Exec(kc),
      defaultNamespace: ctx?.namespace ?? 'default',
      source,
    };
    clients.set(key, c);
  }
  return c;
}

/** A kubeconfig that cannot be used; `setting` is what to fix (kubeconfig or context). */
export class KubeconfigError extends Error {
  constructor(
    message: string,
    readonly setting: 'kubeconfig' | 'context',
  ) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/** The Kubernetes API's error as text: status code and the Status message, not a stack of HTML; with the client, 401/403 also name the context and kubeconfig to check. */
export function apiErrorMessage(err: unknown, client?: KubeClient): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (e && (e.code === 401 || e.code === 403) && client) {
    const what = e.code === 401 ? 'Unauthorized: the API server did not accept the credentials' : 'Forbidden';
    return `HTTP ${e.code} ${what} of context '${client.kc.getCurrentContext()}' in ${client.source}${e.code === 403 ? `: ${apiErrorMessage(err)}` : ''}`;
  }
  if (e && typeof e.code === 'number') {
    let msg = '';
    try {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      msg = (body as { message?: string })?.message ?? '';
    } catch {
      msg = String(e.body ?? '');
    }
    return `HTTP ${e.code}${msg ? `: ${msg}` : ''}`;
  }
  if ((err as Error)?.name === 'AbortError') return apiCallsInterrupted() ? 'interrupted' : `no answer from the API server within ${apiTimeoutSeconds()} s (DROVER_K8S_API_TIMEOUT)`;
  return e?.message ?? String(err);
}

/** The HTTP status of a failed API call, if it was one. */
export function apiStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}
