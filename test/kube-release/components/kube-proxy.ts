// The stand-in kube-proxy: checks its flags and kubeconfig like the real one, serves /healthz
// on --healthz-bind-address:--healthz-port (127.0.0.1:10249), and watches Services and
// Endpoints through the API, logging the rules it WOULD program. It changes no iptables rule.
import { hostname } from 'node:os';
import { ApiClient, ApiError, type WatchHandle } from '../runtime/api-client.js';
import type { ComponentContext } from '../runtime/entry.js';
import type { ParsedFlags } from '../runtime/flags.js';
import { serveHealthz } from '../runtime/healthz.js';
import { newLog } from '../runtime/log.js';
import { setTimeout as sleep } from 'node:timers/promises';

const log = newLog('server.go');

type Obj = { metadata?: { name?: string; namespace?: string; resourceVersion?: string; annotations?: Record<string, string> }; spec?: any; subsets?: any[] };

/** `ns/name`, the key both watches share. */
function keyOf(o: Obj): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** One line per service port: the cluster IP and the endpoints it would DNAT to. */
export function describeRules(svc: Obj, eps: Obj | undefined): string[] {
  const ip = svc.spec?.clusterIP;
  if (!ip || ip === 'None') return [`service ${keyOf(svc)}: headless, no rules`];
  const ports: any[] = svc.spec?.ports ?? [];
  return ports.map((p) => {
    const targets: string[] = [];
    for (const s of eps?.subsets ?? []) {
      const port = (s.ports ?? []).find((x: any) => (x.name ?? '') === (p.name ?? '')) ?? (s.ports ?? [])[0];
      for (const a of s.addresses ?? []) if (port) targets.push(`${a.ip}:${port.port}`);
    }
    return `service ${keyOf(svc)}${p.name ? `:${p.name}` : ''} ${ip}:${p.port}/${p.protocol ?? 'TCP'} -> [${targets.join(' ')}]`;
  });
}

/** The proxier the real binary would pick: 1.5 asks the node's annotation when --proxy-mode is blank; 1.6 defaults to iptables. */
async function proxyMode(flags: ParsedFlags, ctx: ComponentContext, api: ApiClient, node: string): Promise<string> {
  const given = flags.string('proxy-mode');
  if (given) return given;
  if (ctx.minor === '1.5') {
    try {
      const n = await api.get<Obj>(`/api/v1/nodes/${encodeURIComponent(node)}`);
      const a = n.metadata?.annotations?.['net.experimental.kubernetes.io/proxy-mode'];
      if (a) return a;
    } catch (e) {
      log.warning(`Failed to retrieve node info: ${(e as Error).message}`);
    }
  }
  return 'iptables';
}

/** List then watch one collection, re-listing when the watch ends, until stopped. */
function follow(api: ApiClient, path: string, kind: string, onChange: (type: string, o: Obj) => void, stopped: () => boolean): { handle: () => WatchHandle | undefined; done: Promise<void> } {
  let current: WatchHandle | undefined;
  const loop = async (): Promise<void> => {
    while (!stopped()) {
      try {
        const list = await api.list<{ items?: Obj[]; metadata?: { resourceVersion?: string } }>(path);
        for (const o of list.items ?? []) onChange('SYNC', o);
        current = api.watch<Obj>(path, { resourceVersion: list.metadata?.resourceVersion }, (e) => {
          if (e.type === 'ERROR') return;
          onChange(e.type, e.object);
        });
        await current.done;
      } catch (e) {
        if (stopped()) return;
        const status = e instanceof ApiError && e.status ? ` (${e.status})` : '';
        log.error(`Failed to list *api.${kind}${status}: ${(e as Error).message}`);
        await sleep(1000);
      }
    }
  };
  return { handle: () => current, done: loop() };
}

/** kube-proxy's main: called by bin/kube-proxy after the shared start-up checks. */
export async function main(flags: ParsedFlags, ctx: ComponentContext): Promise<void> {
  if (!flags.string('master') && !flags.string('kubeconfig')) {
    log.warning('Neither --kubeconfig nor --master was specified.  Using inClusterConfig.  This might not work.');
    log.error('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
    process.exit(1);
  }
  const api = ApiClient.fromFlags(flags, { userAgent: `kube-proxy/${ctx.version}` })!;
  const node = flags.string('hostname-override') || hostname();
  log.info(`Version: ${ctx.version}`);
  if (flags.bool('cleanup-iptables')) {
    log.info('would remove every KUBE-* iptables chain (stand-in: nothing to clean up)');
    return;
  }
  const healthPort = flags.int('healthz-port');
  const healthz = healthPort > 0 ? await serveHealthz(flags.string('healthz-bind-address'), healthPort) : undefined;
  const mode = await proxyMode(flags, ctx, api, node);
  log.info(mode === 'userspace' ? 'Using userspace Proxier.' : 'Using iptables Proxier.');
  log.info(`stand-in: rules are logged, not programmed (mode ${mode}, node ${node}, cluster-cidr ${flags.string('cluster-cidr') || 'unset'})`);

  const services = new Map<string, Obj>();
  const endpoints = new Map<string, Obj>();
  const announce = (key: string): void => {
    const svc = services.get(key);
    if (svc) for (const line of describeRules(svc, endpoints.get(key))) log.info(`would program ${line}`);
  };
  let stopping = false;
  const stopped = (): boolean => stopping;
  const svcWatch = follow(api, '/api/v1/services', 'Service', (type, o) => {
    const key = keyOf(o);
    if (type === 'DELETED') {
      services.delete(key);
      log.info(`would remove rules of service ${key}`);
      return;
    }
    services.set(key, o);
    announce(key);
  }, stopped);
  const epWatch = follow(api, '/api/v1/endpoints', 'Endpoints', (type, o) => {
    const key = keyOf(o);
    if (type === 'DELETED') endpoints.delete(key);
    else endpoints.set(key, o);
    announce(key);
  }, stopped);

  await new Promise<void>((resolveStop) => {
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log.info(`Received ${sig}, exiting`);
      svcWatch.handle()?.stop();
      epWatch.handle()?.stop();
      healthz?.close();
      api.close();
      resolveStop();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // the watch loops end on their own once stopped
  await Promise.race([Promise.all([svcWatch.done, epWatch.done]), sleep(2000)]);
  process.exit(0);
}
