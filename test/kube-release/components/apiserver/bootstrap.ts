// What the real apiserver's bootstrap controller keeps in place: the system namespaces, the
// `kubernetes` Service in default (first IP of --service-cluster-ip-range, port 443 → the
// secure port) and its Endpoints listing each apiserver's --advertise-address, trimmed to
// --apiserver-count addresses (the 1.5/1.6 "master count" reconciler), every 10 s.
import { findResource } from '../../../k8s-sim/resources.js';
import { ApiError } from '../../../k8s-sim/store.js';
import type { EtcdStore } from './etcd-store.js';

type Obj = Record<string, any>;

/** What the reconciler writes. */
export interface BootstrapConfig {
  minor: number;
  serviceIp: string;
  advertiseAddress: string;
  securePort: number;
  apiserverCount: number;
}

const ignoreExists = (e: unknown): void => {
  if (!(e instanceof ApiError && e.code === 409)) throw e;
};

/** Create the system namespaces and the `kubernetes` Service if absent; reconcile its Endpoints. */
export async function reconcileMasterObjects(store: EtcdStore, cfg: BootstrapConfig): Promise<void> {
  const NS = findResource('', 'v1', 'namespaces')!;
  const SVC = findResource('', 'v1', 'services')!;
  const EP = findResource('', 'v1', 'endpoints');
  const names = cfg.minor >= 6 ? ['default', 'kube-system', 'kube-public'] : ['default', 'kube-system'];
  for (const name of names) if (!(await store.get(NS, undefined, name))) await store.create(NS, undefined, { metadata: { name }, status: { phase: 'Active' } }).catch(ignoreExists);
  if (!(await store.get(SVC, 'default', 'kubernetes'))) {
    await store
      .create(SVC, 'default', {
        metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: cfg.serviceIp, sessionAffinity: 'ClientIP', ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: cfg.securePort }] },
        status: { loadBalancer: {} },
      })
      .catch(ignoreExists);
  }
  if (!EP) return; // endpoints not served by this resource table
  const ports = [{ name: 'https', port: cfg.securePort, protocol: 'TCP' }];
  const wanted = (cur: Obj | undefined): Obj[] => {
    const ips: string[] = (cur?.subsets?.[0]?.addresses ?? []).map((a: Obj) => a.ip).filter((ip: string) => ip !== cfg.advertiseAddress);
    const keep = [cfg.advertiseAddress, ...ips.sort()].slice(0, Math.max(1, cfg.apiserverCount)).sort();
    return [{ addresses: keep.map((ip) => ({ ip })), ports }];
  };
  const cur = await store.get(EP, 'default', 'kubernetes');
  if (!cur) {
    await store.create(EP, 'default', { metadata: { name: 'kubernetes', namespace: 'default' }, subsets: wanted(undefined) }).catch(ignoreExists);
    return;
  }
  await store.guaranteedUpdate(EP, 'default', 'kubernetes', (ep) => ({ ...ep, subsets: wanted(ep) }));
}
