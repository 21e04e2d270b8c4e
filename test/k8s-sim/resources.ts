// The resource types the simulator serves, with what discovery says of them and how
// `kubectl get` prints them (the server renders Tables, as a real apiserver does).

type Obj = Record<string, any>;

export interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  priority?: number;
  description?: string;
}

export interface ResourceType {
  group: string; // '' for core
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Extra table columns after NAME (AGE is added last unless the columns include it). */
  columns?: Column[];
  cells?: (o: Obj, now: number) => unknown[];
  subresources?: { name: string; kind: string; verbs: string[]; group?: string; version?: string }[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** "5s", "3m", "2d4h": kubectl's AGE text. */
export function age(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function nodeStatus(n: Obj): string {
  const ready = (n.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
  const s = ready?.status === 'True' ? 'Ready' : 'NotReady';
  return n.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
}

function nodeRoles(n: Obj): string {
  const roles = Object.keys(n.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function podCells(p: Obj, now: number): unknown[] {
  const statuses: Obj[] = p.status?.containerStatuses ?? [];
  const total = (p.spec?.containers ?? []).length;
  const ready = statuses.filter((c) => c.ready).length;
  const restarts = statuses.reduce((a, c) => a + (c.restartCount ?? 0), 0);
  const status = p.metadata?.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending');
  return [`${ready}/${total}`, status, restarts, age(p.metadata?.creationTimestamp, now), p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>', '<none>', '<none>'];
}

const podColumns: Column[] = [
  { name: 'Ready', type: 'string' },
  { name: 'Status', type: 'string' },
  { name: 'Restarts', type: 'integer' },
  { name: 'Age', type: 'string' },
  { name: 'IP', type: 'string', priority: 1 },
  { name: 'Node', type: 'string', priority: 1 },
  { name: 'Nominated Node', type: 'string', priority: 1 },
  { name: 'Readiness Gates', type: 'string', priority: 1 },
];

const apps = (plural: string, singular: string, kind: string, short: string): ResourceType => ({ group: 'apps', version: 'v1', plural, singular, kind, namespaced: true, shortNames: [short] });

export const RESOURCES: ResourceType[] = [
  { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], columns: [{ name: 'Status', type: 'string' }], cells: (o) => [o.status?.phase ?? 'Active'] },
  {
    group: '', version: 'v1', plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'],
    columns: [{ name: 'Status', type: 'string' }, { name: 'Roles', type: 'string' }, { name: 'Age', type: 'string' }, { name: 'Version', type: 'string' }, { name: 'Internal-IP', type: 'string', priority: 1 }],
    cells: (o, now) => [nodeStatus(o), nodeRoles(o), age(o.metadata?.creationTimestamp, now), o.status?.nodeInfo?.kubeletVersion ?? '', (o.status?.addresses ?? []).find((a: Obj) => a.type === 'InternalIP')?.address ?? '<none>'],
    subresources: [{ name: 'status', kind: 'Node', verbs: ['get', 'patch', 'update'] }],
  },
  {
    group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], columns: podColumns, cells: podCells,
    subresources: [
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'eviction', kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' },
      { name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
    ],
  },
  { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], columns: [{ name: 'Type', type: 'string' }, { name: 'Reason', type: 'string' }, { name: 'Object', type: 'string' }, { name: 'Message', type: 'string' }], cells: (o) => [o.type ?? '', o.reason ?? '', `${(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`, o.message ?? ''] },
  { group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], columns: [{ name: 'Data', type: 'integer' }], cells: (o) => [Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length] },
  { group: '', version: 'v1', plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, columns: [{ name: 'Type', type: 'string' }, { name: 'Data', type: 'integer' }], cells: (o) => [o.type ?? 'Opaque', Object.keys(o.data ?? {}).length] },
  { group: '', version: 'v1', plural: 'endpoints', singular: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] },
  { group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'] },
  { group: '', version: 'v1', plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] },
  apps('deployments', 'deployment', 'Deployment', 'deploy'),
  apps('daemonsets', 'daemonset', 'DaemonSet', 'ds'),
  apps('replicasets', 'replicaset', 'ReplicaSet', 'rs'),
  apps('statefulsets', 'statefulset', 'StatefulSet', 'sts'),
  // what 1.5/1.6 served ReplicaSets as (the release's controller-manager keeps these at spec.replicas)
  {
    group: 'extensions', version: 'v1beta1', plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'],
    columns: [{ name: 'Desired', type: 'integer' }, { name: 'Current', type: 'integer' }, { name: 'Ready', type: 'integer' }],
    cells: (o) => [o.spec?.replicas ?? 1, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0],
    subresources: [{ name: 'status', kind: 'ReplicaSet', verbs: ['get', 'patch', 'update'] }],
  },
  { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', singular: 'lease', kind: 'Lease', namespaced: true, columns: [{ name: 'Holder', type: 'string' }], cells: (o) => [o.spec?.holderIdentity ?? ''] },
  { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'] },
];

/** apiVersion text of a resource type ("v1", "apps/v1"). */
export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The type served at group/version/plural, if any. */
export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The type of an object by its apiVersion and kind. */
export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/** APIResourceList for one group/version (discovery). */
export function resourceList(group: string, version: string): Obj {
  const resources: Obj[] = [];
  for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
    resources.push({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: VERBS, ...(r.shortNames ? { shortNames: r.shortNames } : {}) });
    for (const s of r.subresources ?? []) {
      resources.push({ name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs, ...(s.group ? { group: s.group, version: s.version } : {}) });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

/** APIGroupList (/apis): every named group with its one version. */
export function groupList(): Obj {
  const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => `${r.group}/${r.version}`))].map((gv) => {
    const [name, version] = gv.split('/');
    const v = { groupVersion: gv, version };
    return { name, versions: [v], preferredVersion: v };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** A meta.k8s.io Table of objects, as `kubectl get` asks for it. */
export function toTable(r: ResourceType, items: Obj[], resourceVersion: string, includeObject: string | null, now = Date.now()): Obj {
  const extra = r.columns ?? [];
  const hasAge = extra.some((c) => c.name === 'Age');
  const columnDefinitions = [{ name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 }, ...extra.map((c) => ({ format: '', description: c.name, priority: 0, ...c })), ...(hasAge ? [] : [{ name: 'Age', type: 'string', format: '', description: 'CreationTimestamp', priority: 0 }])];
  const rows = items.map((o) => {
    const cells = [o.metadata.name, ...(r.cells ? r.cells(o, now) : []), ...(hasAge ? [] : [age(o.metadata.creationTimestamp, now)])];
    const object = includeObject === 'None' ? undefined : includeObject === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
    return { cells, ...(object ? { object } : {}) };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions, rows };
}

/** Where an API path points: resource type, namespace, name, subresource. */
export interface Target {
  r: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
}

/** Map an API path to (type, namespace, name, subresource). */
export function route(path: string): Target | undefined {
  const seg = path.split('/').filter(Boolean);
  let group = '';
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg[1] === 'v1') {
    version = 'v1';
    rest = seg.slice(2);
  } else if (seg[0] === 'apis' && seg.length >= 3) {
    group = seg[1]!;
    version = seg[2]!;
    rest = seg.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = decodeURIComponent(rest[1]!);
    rest = rest.slice(2);
  }
  const r = findResource(group, version, rest[0] ?? '');
  if (!r) return undefined;
  return { r, namespace, name: rest[1] ? decodeURIComponent(rest[1]) : undefined, sub: rest[2] };
}
