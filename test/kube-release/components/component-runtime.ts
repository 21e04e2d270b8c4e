// What kube-controller-manager and kube-scheduler share at start-up: the API client built as
// clientcmd.BuildConfigFromFlags does it (--master overrides the kubeconfig's server; neither
// → the in-cluster attempt fails and the binary exits 1), adapted to the status+body shape the
// leader election and controllers read, and the /healthz listener on --address:--port.
import type { ParsedFlags } from '../runtime/flags.js';
import { ApiClient, ApiError } from '../runtime/api-client.js';
import { serveHealthz as serve } from '../runtime/healthz.js';
import type { Log } from '../runtime/log.js';
import type { Api } from './leader-election.js';

type Obj = Record<string, any>;

/** An Api over --kubeconfig/--master: HTTP errors come back as {status, body}; an unreachable server rejects. */
export function apiFromFlags(flags: ParsedFlags, log: Log): Api {
  let client: ApiClient | undefined;
  try {
    client = ApiClient.fromFlags(flags, { userAgent: `${flags.program}/${process.pid}` });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  if (!client) {
    log.warning('Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.');
    process.stderr.write('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined\n');
    process.exit(1);
  }
  const c = client;
  return {
    async request(method, path, body) {
      try {
        return { status: 200, body: ((await c.request(method, path, body)) ?? {}) as Obj };
      } catch (e) {
        if (e instanceof ApiError && e.status > 0) return { status: e.status, body: (typeof e.body === 'object' && e.body ? e.body : { message: e.message }) as Obj };
        throw e;
      }
    },
  };
}

/** /healthz → "ok" on --address:--port, whether or not this process leads (as the real ones). */
export async function serveHealthz(address: string, port: number): Promise<void> {
  (await serve(address, port)).unref();
}
