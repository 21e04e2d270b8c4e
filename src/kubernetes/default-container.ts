// Which container a command lands in when none is named, decided one way for the pod
// inventory and the pod-exec connection alike, as kubectl decides it.
import type { V1Pod } from '@kubernetes/client-node';

/** kubectl's default container annotation. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** The annotated default container when the pod really has it, else the first container. */
export function defaultContainerOf(pod: Pick<V1Pod, 'metadata' | 'spec'>): string | undefined {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  // kubectl ignores an annotation that names no container of the pod (it warns and takes the first)
  return annotated && names.includes(annotated) ? annotated : names[0];
}
