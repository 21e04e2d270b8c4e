// Where a real 1.5/1.6 apiserver keeps each resource in etcd, under --etcd-prefix (/registry):
// mostly /registry/<plural>/<namespace>/<name>, with the historical exceptions kept by the
// real registries (nodes under "minions", services under "services/specs", endpoints under
// "services/endpoints", replication controllers under "controllers").
import type { ResourceType } from '../../../k8s-sim/resources.js';

const SPECIAL: Record<string, string> = {
  nodes: 'minions',
  services: 'services/specs',
  endpoints: 'services/endpoints',
  replicationcontrollers: 'controllers',
};

/** The key prefix of one resource type, ending in "/": e.g. /registry/minions/. */
export function resourcePrefix(etcdPrefix: string, r: ResourceType): string {
  return `${etcdPrefix.replace(/\/+$/, '')}/${SPECIAL[r.plural] ?? r.plural}/`;
}

/** The key prefix of a resource type in one namespace (or every namespace when ns is unset). */
export function listPrefix(etcdPrefix: string, r: ResourceType, ns?: string): string {
  return r.namespaced && ns ? `${resourcePrefix(etcdPrefix, r)}${ns}/` : resourcePrefix(etcdPrefix, r);
}

/** The key of one object: /registry/pods/default/web-1, /registry/minions/node1. */
export function objectKey(etcdPrefix: string, r: ResourceType, ns: string | undefined, name: string): string {
  return r.namespaced ? `${resourcePrefix(etcdPrefix, r)}${ns}/${name}` : `${resourcePrefix(etcdPrefix, r)}${name}`;
}

/** Whether a key under a resource prefix names an object of that type (services/specs vs services/endpoints share "services/"). */
export function keyBelongs(etcdPrefix: string, r: ResourceType, key: string): boolean {
  if (!key.startsWith(resourcePrefix(etcdPrefix, r))) return false;
  const rest = key.slice(resourcePrefix(etcdPrefix, r).length).split('/');
  return rest.length === (r.namespaced ? 2 : 1);
}
