// `plugin: kubernetes` inventory: every pod the API server lists becomes a host named
// `<namespace>/<pod>` reached over pod exec, grouped by namespace, labels, node and owner.
// Loaded only when an inventory file names the plugin, so other commands never load
// @kubernetes/client-node.
import type { V1Pod } from '@kubernetes/client-node';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '../cli/errors.js';
import { apiErrorMessage, kubeClient, kubeconfigPath } from '../kubernetes/client.js';
import { keyLocation, locationOf } from '../playbook/yaml-source.js';
import type { InventoryBuilder, InventoryPlugin } from './types.js';
import { defaultContainerOf } from '../kubernetes/default-container.js';

/** One `connections:` entry after validation. */
export interface PodSource {
  name?: string;
  kubeconfig?: string;
  context?: string;
  namespaces?: string[];
  labelSelector?: string;
  fieldSelector?: string;
  container?: string;
}

const TOP_KEYS = ['plugin', 'connections'];
const CONNECTION_KEYS = ['name', 'kubeconfig', 'context', 'namespaces', 'label_selectors', 'field_selectors', 'container'];

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Group names hold only [A-Za-z0-9_], as Ansible's sanitised group names do. */
export function groupName(...parts: string[]): string {
  return parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');
}

/** Validate the plugin file; throws InputError at the bad key's file:line:col. */
export function parsePodInventoryConfig(doc: Record<string, unknown>, file: string): PodSource[] {
  const bad = (message: string, owner: unknown, key: string): InputError => new InputError(message, { ...(keyLocation(owner, key) ?? locationOf(owner) ?? { file }), field: key });
  for (const key of Object.keys(doc)) if (!TOP_KEYS.includes(key)) throw bad(`'${key}' is not an option of the kubernetes inventory plugin (options: ${TOP_KEYS.join(', ')})`, doc, key);
  const conns = doc.connections ?? [{}];
  if (!Array.isArray(conns)) throw bad('connections must be a list of mappings', doc, 'connections');
  return conns.map((c, i) => {
    const where = `connections[${i}]`;
    if (c === null) return {};
    if (!isMapping(c)) throw new InputError(`${where} must be a mapping`, { ...(locationOf(conns) ?? { file }), field: where });
    for (const key of Object.keys(c)) if (!CONNECTION_KEYS.includes(key)) throw bad(`'${key}' is not valid in ${where} (valid: ${CONNECTION_KEYS.join(', ')})`, c, key);
    const str = (key: string): string | undefined => {
      const v = c[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' && typeof v !== 'number') throw bad(`${where}.${key} must be a string`, c, key);
      return String(v);
    };
    const strOrList = (key: string): string[] | undefined => {
      const v = c[key];
      if (v === undefined || v === null) return undefined;
      const list = Array.isArray(v) ? v : [v];
      if (list.some((x) => typeof x !== 'string' && typeof x !== 'number')) throw bad(`${where}.${key} must be a string or a list of strings`, c, key);
      return list.map(String);
    };
    const namespaces = strOrList('namespaces');
    const labels = strOrList('label_selectors');
    const fields = strOrList('field_selectors');
    const kubeconfig = str('kubeconfig');
    return {
      name: str('name'),
      // A relative kubeconfig is relative to the inventory file, so `-i` works from any directory.
      kubeconfig: kubeconfig && !isAbsolute(kubeconfigPath(kubeconfig)) ? resolve(dirname(file), kubeconfig) : kubeconfig,
      context: str('context'),
      namespaces,
      // Several selectors all have to match, as in kubectl's comma-joined -l.
      labelSelector: labels?.length ? labels.join(',') : undefined,
      fieldSelector: fields?.length ? fields.join(',') : undefined,
      container: str('container'),
    };
  });
}

/** Add one pod as a host with its vars and groups. */
export function addPodHost(pod: V1Pod, source: PodSource & { kubeconfig: string; context: string }, add: InventoryBuilder): void {
  const ns = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const labels = pod.metadata?.labels ?? {};
  const groups = [groupName('namespace', ns)];
  for (const [k, v] of Object.entries(labels)) groups.push(groupName('label', k, v));
  if (pod.spec?.nodeName) groups.push(groupName('node', pod.spec.nodeName));
  for (const o of pod.metadata?.ownerReferences ?? []) groups.push(groupName('owner', o.kind, o.name));
  if (source.name) groups.push(groupName(source.name));
  for (const g of groups) add.addGroup(g, {}, ['kubernetes']);
  const vars: Record<string, unknown> = {
    ansible_connection: 'kubernetes',
    drover_k8s_kubeconfig: source.kubeconfig,
    drover_k8s_context: source.context,
    drover_k8s_namespace: ns,
    drover_k8s_pod: name,
    drover_k8s_container: source.container ?? defaultContainerOf(pod),
    pod_ip: pod.status?.podIP,
    pod_node: pod.spec?.nodeName,
    pod_labels: { ...labels },
    pod_phase: pod.status?.phase,
  };
  // A pending pod has no IP or node yet: leave those undefined rather than null-valued.
  for (const k of Object.keys(vars)) if (vars[k] === undefined) delete vars[k];
  add.addHost(`${ns}/${name}`, vars, groups);
}

async function listPods(source: PodSource, file: string, where: string): Promise<{ pods: V1Pod[]; kubeconfig: string; context: string }> {
  let client;
  try {
    client = kubeClient({ kubeconfig: source.kubeconfig, context: source.context });
  } catch (err) {
    throw new InputError(`cannot use kubeconfig: ${(err as Error).message}`, { file, field: `${where}.kubeconfig` });
  }
  const query = { labelSelector: source.labelSelector, fieldSelector: source.fieldSelector };
  const pods: V1Pod[] = [];
  try {
    if (source.namespaces) {
      for (const namespace of source.namespaces) pods.push(...(await client.core.listNamespacedPod({ namespace, ...query })).items);
    } else {
      pods.push(...(await client.core.listPodForAllNamespaces(query)).items);
    }
  } catch (err) {
    const server = client.kc.getCurrentCluster()?.server ?? '?';
    throw new InputError(`cannot list pods from the API server ${server} (kubeconfig ${client.source}, context ${client.kc.getCurrentContext()}): ${apiErrorMessage(err)}`, { file, field: where });
  }
  return { pods, kubeconfig: client.source, context: client.kc.getCurrentContext() };
}

/** The plugin: `plugin: kubernetes` (or kubernetes.core.k8s, drover.kubernetes). */
export const kubernetesPodsPlugin: InventoryPlugin = {
  name: 'kubernetes',
  async populate(config, file, add) {
    const sources = parsePodInventoryConfig(config, file);
    add.addGroup('kubernetes');
    for (const [i, source] of sources.entries()) {
      const { pods, kubeconfig, context } = await listPods(source, file, `connections[${i}]`);
      const byName = (p: V1Pod): string => `${p.metadata?.namespace}/${p.metadata?.name}`;
      for (const pod of pods.sort((a, b) => byName(a).localeCompare(byName(b)))) addPodHost(pod, { ...source, kubeconfig, context }, add);
    }
  },
};
