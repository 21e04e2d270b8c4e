// How one kubelet sees the containers dockerd holds for a pod: which scheme named them, whether
// they are the pod's sandbox/infra, the restart count they carry, and the labels and names it
// gives the ones it creates (1.5 dockertools vs 1.6 CRI dockershim).
import { containerHash } from './container-hash.js';
import { criName, legacyName, parseName, POD_INFRA, type ParsedName } from './naming.js';
import type { DockerContainer } from './docker-client.js';
import type { KubeletConfig } from './config.js';

type Obj = Record<string, any>;

/** The label that marks a container as made through CRI; 1.6 takes its absence as "legacy". */
export const DOCKER_TYPE_LABEL = 'io.kubernetes.docker.type';

/** A container some kubelet made, with what its name and labels say. */
export interface PodContainer {
  docker: DockerContainer;
  parsed: ParsedName;
  sandbox: boolean;
  /** made by a 1.5 kubelet or the 1.6 dockertools path: no io.kubernetes.docker.type label */
  legacy: boolean;
  restartCount: number;
  hash: string;
}

/** The kubelet-made containers among dockerd's, grouped by pod uid. */
export function groupByPod(all: DockerContainer[]): Map<string, PodContainer[]> {
  const out = new Map<string, PodContainer[]>();
  for (const d of all) {
    const parsed = parseName(d.name);
    if (!parsed) continue;
    const pc: PodContainer = {
      docker: d,
      parsed,
      sandbox: parsed.container === POD_INFRA,
      legacy: !(DOCKER_TYPE_LABEL in d.labels),
      restartCount: Number(d.labels['io.kubernetes.container.restartCount'] ?? parsed.attempt ?? 0) || 0,
      hash: d.labels['io.kubernetes.container.hash'] ?? parsed.hash ?? '',
    };
    const list = out.get(parsed.uid) ?? [];
    list.push(pc);
    out.set(parsed.uid, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.docker.created.localeCompare(b.docker.created));
  return out;
}

/** The spec this kubelet hashes for a pod's infra/sandbox container. */
export function infraSpec(cfg: KubeletConfig): Obj {
  return { name: POD_INFRA, image: cfg.infraImage };
}

/** The era of hash this kubelet computes (the 1.6 build hashes v1 types, patched or not). */
export function hashOf(container: Obj, cfg: KubeletConfig): string {
  return containerHash(container, cfg.minor);
}

/** Docker name for a new container (or the name a patched kubelet renames an adopted one to). */
export function nameFor(cfg: KubeletConfig, pod: Obj, container: Obj, attempt: number): string {
  const { name, namespace, uid } = pod.metadata;
  if (cfg.cri) return criName(container.name, name, namespace, uid, attempt);
  return legacyName(container.name, hashOf(container, cfg), name, namespace, uid);
}

/** Labels for a new container; the CRI ones carry io.kubernetes.docker.type. */
export function labelsFor(cfg: KubeletConfig, pod: Obj, container: Obj, attempt: number, sandboxId?: string): Record<string, string> {
  const { name, namespace, uid } = pod.metadata;
  const labels: Record<string, string> = {
    'io.kubernetes.pod.name': name,
    'io.kubernetes.pod.namespace': namespace,
    'io.kubernetes.pod.uid': uid,
    'io.kubernetes.container.name': container.name,
    'io.kubernetes.container.hash': hashOf(container, cfg),
    'io.kubernetes.container.restartCount': String(attempt),
    'io.kubernetes.pod.terminationGracePeriod': String(pod.spec?.terminationGracePeriodSeconds ?? 30),
  };
  if (cfg.cri) {
    labels[DOCKER_TYPE_LABEL] = container.name === POD_INFRA ? 'podsandbox' : 'container';
    if (sandboxId) labels['io.kubernetes.sandbox.id'] = sandboxId;
  }
  return labels;
}
