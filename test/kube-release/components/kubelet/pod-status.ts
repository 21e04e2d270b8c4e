// The PodStatus a kubelet reports from what dockerd says: phase, conditions, and per container
// its docker:// id, running start time and restartCount, so a test (or an operator) can tell a
// kept container from a re-created one through the API alone.
import { createHash } from 'node:crypto';
import { qosClass } from './cgroups.js';
import type { PodContainer } from './pod-containers.js';

type Obj = Record<string, any>;

/** Docker's nanosecond timestamp as the API's RFC 3339 seconds. */
export function apiTime(dockerTime: string): string {
  return dockerTime.replace(/\.\d+Z$/, 'Z');
}

/** The status to report for a pod whose current containers are `mine` (newest per name). */
export function podStatus(pod: Obj, mine: PodContainer[], nodeIp: string): Obj {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const sandbox = mine.filter((c) => c.sandbox).at(-1);
  const statuses: Obj[] = (pod.spec.containers as Obj[]).map((spec) => {
    const c = mine.filter((x) => !x.sandbox && x.parsed.container === spec.name).at(-1);
    const base = { name: spec.name, image: spec.image ?? '', imageID: `docker://sha256:${createHash('sha256').update(String(spec.image ?? '')).digest('hex')}`, lastState: {} };
    if (!c) return { ...base, ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } };
    const state = c.docker.running ? { running: { startedAt: apiTime(c.docker.startedAt) } } : { terminated: { exitCode: c.docker.exitCode, reason: c.docker.exitCode === 0 ? 'Completed' : 'Error', startedAt: apiTime(c.docker.startedAt), finishedAt: apiTime(c.docker.finishedAt), containerID: `docker://${c.docker.id}` } };
    return { ...base, ready: c.docker.running, restartCount: c.restartCount, state, containerID: `docker://${c.docker.id}` };
  });
  const allRunning = statuses.every((s) => s.state.running) && Boolean(sandbox?.docker.running);
  const cond = (type: string, ok: boolean): Obj => ({ type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: pod.status?.conditions?.find((c: Obj) => c.type === type && c.status === (ok ? 'True' : 'False'))?.lastTransitionTime ?? now });
  // pod IPs are not modelled: host-network pods get the node's, others one derived from the sandbox id
  const sid = sandbox?.docker.id ?? '00';
  const podIP = pod.spec.hostNetwork ? nodeIp : `10.244.${parseInt(sid.slice(0, 2), 16)}.${(parseInt(sid.slice(2, 4), 16) % 253) + 2}`;
  return {
    phase: allRunning ? 'Running' : 'Pending',
    conditions: [cond('Initialized', true), cond('Ready', allRunning), cond('PodScheduled', true)],
    hostIP: nodeIp,
    podIP,
    startTime: pod.status?.startTime ?? now,
    qosClass: qosClass(pod),
    containerStatuses: statuses,
  };
}

/** The parts of a status whose change is worth a PUT (not timestamps of unchanged conditions). */
export function statusKey(status: Obj | undefined): string {
  if (!status) return '';
  return JSON.stringify([status.phase, status.podIP, status.hostIP, (status.conditions ?? []).map((c: Obj) => [c.type, c.status]), (status.containerStatuses ?? []).map((c: Obj) => [c.name, c.containerID, c.restartCount, c.ready, c.state])]);
}
