// Which pods a drain evicts, skips or refuses, by kubectl's rules (k8s.io/kubectl/pkg/drain
// filters.go): mirror pods and (with ignore_daemonsets) DaemonSet pods are skipped, pods
// with emptyDir data or without a controller block the drain unless told otherwise, and
// finished pods always go.
import type { V1Pod } from '@kubernetes/client-node';

/** The drain options that decide what happens to a pod. */
export interface DrainFilterOptions {
  ignoreDaemonsets: boolean;
  deleteEmptydirData: boolean;
  force: boolean;
}

/** The drain plan for a node's pods. */
export interface DrainPlan {
  /** Pods to evict. */
  evict: V1Pod[];
  /** Pods left in place, with why. */
  skipped: { pod: string; reason: string }[];
  /** Pods that stop the drain (kubectl's errors); empty means the drain may go ahead. */
  blocking: { pod: string; reason: string }[];
  /** Pods evicted despite a caution (force, emptyDir), as kubectl warns. */
  warnings: string[];
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** `namespace/name` of a pod. */
export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function finished(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Sort a node's pods into evict / skip / block by kubectl's drain filters. */
export function planDrain(pods: V1Pod[], opts: DrainFilterOptions): DrainPlan {
  const plan: DrainPlan = { evict: [], skipped: [], blocking: [], warnings: [] };
  for (const pod of pods) {
    const key = podKey(pod);
    const controller = pod.metadata?.ownerReferences?.find((r) => r.controller);
    const deleting = Boolean(pod.metadata?.deletionTimestamp);
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) {
      plan.skipped.push({ pod: key, reason: 'mirror pod (static, managed by the kubelet)' });
      continue;
    }
    // A pod already being deleted has nothing left to decide; its DaemonSet will not recreate it here.
    if (controller?.kind === 'DaemonSet' && !deleting) {
      if (opts.ignoreDaemonsets) plan.skipped.push({ pod: key, reason: `DaemonSet-managed (${controller.name})` });
      else plan.blocking.push({ pod: key, reason: 'cannot delete DaemonSet-managed Pods (use ignore_daemonsets)' });
      continue;
    }
    let ok = true;
    if (!finished(pod) && pod.spec?.volumes?.some((v) => v.emptyDir)) {
      if (opts.deleteEmptydirData) plan.warnings.push(`deleting Pod with local storage: ${key}`);
      else {
        plan.blocking.push({ pod: key, reason: 'cannot delete Pods with local storage (use delete_emptydir_data)' });
        ok = false;
      }
    }
    if (!finished(pod) && !controller) {
      if (opts.force) plan.warnings.push(`deleting Pod that declares no controller: ${key}`);
      else {
        plan.blocking.push({ pod: key, reason: 'cannot delete Pods that declare no controller (use force)' });
        ok = false;
      }
    }
    if (ok) plan.evict.push(pod);
  }
  return plan;
}
