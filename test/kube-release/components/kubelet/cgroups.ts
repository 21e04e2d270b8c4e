// Where a kubelet puts a pod's containers: with QoS cgroups on, 1.6 (--cgroups-per-qos, default
// true) uses <cgroup-root>/kubepods/<qos>/pod<uid> (Guaranteed pods straight under kubepods;
// the systemd driver names the same hierarchy as slices), 1.5 (--experimental-cgroups-per-qos)
// <cgroup-root>/<Qos>/pod<uid> with the class name as is and no kubepods level (derived from
// 1.5's InitQOS); with them off, the --cgroup-root as given.

type Obj = Record<string, any>;

/** The pod's QoS class from its containers' requests and limits (v1 rules). */
export function qosClass(pod: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Obj[] = pod.spec?.containers ?? [];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l; // requests default to limits
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The cgroup settings a kubelet runs with. */
export interface CgroupConfig {
  /** the kubelet minor whose layout applies */
  era: '1.5' | '1.6';
  perQos: boolean;
  root: string;
  driver: 'cgroupfs' | 'systemd';
}

/** Docker's HostConfig.CgroupParent for this pod's containers. */
export function cgroupParentFor(pod: Obj, cfg: CgroupConfig): string {
  if (!cfg.perQos) return normalizeCgroup(cfg.root);
  const qos = qosClass(pod);
  const uid = String(pod.metadata.uid);
  if (cfg.era === '1.5') return qos === 'Guaranteed' ? `${normalizeCgroup(cfg.root)}/pod${uid}` : `${normalizeCgroup(cfg.root)}/${qos}/pod${uid}`;
  if (cfg.driver === 'systemd') {
    const u = uid.replace(/-/g, '_');
    return qos === 'Guaranteed' ? `kubepods-pod${u}.slice` : `kubepods-${qos.toLowerCase()}-pod${u}.slice`;
  }
  const base = `${normalizeCgroup(cfg.root)}/kubepods`.replace(/^\/\//, '/');
  return qos === 'Guaranteed' ? `${base}/pod${uid}` : `${base}/${qos.toLowerCase()}/pod${uid}`;
}

/** '' and '/' are both the root; no trailing slash otherwise. */
export function normalizeCgroup(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p === '' ? '' : p;
}

/** Is this cgroup parent inside the QoS hierarchy (what a 1.6 kubelet with --cgroups-per-qos keeps)? */
export function sameCgroup(a: string, b: string): boolean {
  return normalizeCgroup(a) === normalizeCgroup(b);
}
