// kube-scheduler 1.5/1.6 stand-in: serves /healthz on --address:--port (10251), takes the
// kube-system/kube-scheduler Endpoints lock, and while leading binds each pending pod of the
// default scheduler to a fitting node through POST pods/NAME/binding, as the real one does.
// Fit = the node lister's filter (Ready=True, not OutOfDisk/NetworkUnavailable, not
// spec.unschedulable) and the predicates a runbook meets: taints tolerated (1.5 reads the alpha
// annotations, 1.6 the spec fields), nodeSelector, pod count and cpu/memory requests.
import { hostname } from 'node:os';
import type { ComponentContext } from '../runtime/entry.js';
import type { ParsedFlags } from '../runtime/flags.js';
import { newLog, type Log } from '../runtime/log.js';
import { LeaderElector, rfc3339, type Api } from './leader-election.js';
import { apiFromFlags, serveHealthz } from './component-runtime.js';

type Obj = Record<string, any>;

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

const TAINTS_ANNOTATION = 'scheduler.alpha.kubernetes.io/taints';
const TOLERATIONS_ANNOTATION = 'scheduler.alpha.kubernetes.io/tolerations';
const NAME_ANNOTATION = 'scheduler.alpha.kubernetes.io/name';

function parseJsonList<T>(text: unknown): T[] {
  if (typeof text !== 'string') return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

/** A node's taints as this minor reads them: 1.5 the alpha annotation, 1.6 spec.taints. */
export function taintsOf(node: Obj, minor: number): Taint[] {
  return minor >= 6 ? (node.spec?.taints ?? []) : parseJsonList<Taint>(node.metadata?.annotations?.[TAINTS_ANNOTATION]);
}

/** A pod's tolerations as this minor reads them: 1.5 the alpha annotation, 1.6 spec.tolerations. */
export function tolerationsOf(pod: Obj, minor: number): Toleration[] {
  return minor >= 6 ? (pod.spec?.tolerations ?? []) : parseJsonList<Toleration>(pod.metadata?.annotations?.[TOLERATIONS_ANNOTATION]);
}

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/** Quantity text → number (cpu in cores, memory in bytes): the suffixes requests use. */
export function quantity(q: unknown): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q ?? '0').trim());
  if (!m) return 0;
  const mult: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(m[1]) * (mult[m[2]!] ?? 1);
}

function requests(pod: Obj): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec?.containers ?? []) {
    cpu += quantity(c.resources?.requests?.cpu);
    memory += quantity(c.resources?.requests?.memory);
  }
  return { cpu, memory };
}

/** The node lister's filter of that era: Ready True, OutOfDisk and NetworkUnavailable not True, schedulable. */
export function nodeSchedulable(node: Obj): boolean {
  if (node.spec?.unschedulable) return false;
  const conds: Obj[] = node.status?.conditions ?? [];
  if (conds.find((c) => c.type === 'Ready')?.status !== 'True') return false;
  return !conds.some((c) => (c.type === 'OutOfDisk' || c.type === 'NetworkUnavailable') && c.status === 'True');
}

/** Why the pod does not fit the node ('' when it fits), given the pods already on it. */
export function fitError(pod: Obj, node: Obj, podsOnNode: Obj[], minor: number): string {
  const blocking = taintsOf(node, minor).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  const tols = tolerationsOf(pod, minor);
  if (blocking.some((taint) => !tols.some((t) => tolerates(t, taint)))) return 'PodToleratesNodeTaints';
  const sel: Obj = pod.spec?.nodeSelector ?? {};
  const labels: Obj = node.metadata?.labels ?? {};
  if (Object.entries(sel).some(([k, v]) => labels[k] !== v)) return 'MatchNodeSelector';
  const alloc: Obj = node.status?.allocatable ?? node.status?.capacity ?? {};
  if (alloc.pods !== undefined && podsOnNode.length + 1 > quantity(alloc.pods)) return 'Insufficient pods';
  const want = requests(pod);
  const used = podsOnNode.map(requests).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
  if (alloc.cpu !== undefined && want.cpu > 0 && used.cpu + want.cpu > quantity(alloc.cpu) + 1e-9) return 'Insufficient cpu';
  if (alloc.memory !== undefined && want.memory > 0 && used.memory + want.memory > quantity(alloc.memory)) return 'Insufficient memory';
  return '';
}

/** Whether this scheduler (default-scheduler unless renamed) owns the pod: 1.5 by annotation, 1.6 by spec.schedulerName. */
export function isOurs(pod: Obj, schedulerName: string, minor: number): boolean {
  const name = minor >= 6 ? pod.spec?.schedulerName : pod.metadata?.annotations?.[NAME_ANNOTATION];
  return (name || 'default-scheduler') === schedulerName;
}

/** The scheduling loop: every pass lists pending pods and nodes and binds what fits. */
export class Scheduler {
  private timer?: NodeJS.Timeout;
  private rr = 0;
  private busy = false;
  private readonly reported = new Set<string>();

  constructor(
    private readonly api: Api,
    private readonly log: Log,
    private readonly minor: number,
    private readonly schedulerName: string,
    private readonly periodMs = 1000,
  ) {}

  /** Start scheduling (called when leading). */
  start(): void {
    this.timer = setInterval(() => void this.pass(), this.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One scheduling pass over every pending pod. */
  async pass(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const [pods, nodes] = await Promise.all([this.api.request('GET', '/api/v1/pods'), this.api.request('GET', '/api/v1/nodes')]);
      if (pods.status !== 200 || nodes.status !== 200) return;
      const all: Obj[] = pods.body.items ?? [];
      const live = all.filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase));
      const pending = live.filter((p) => !p.spec?.nodeName && !p.metadata.deletionTimestamp && isOurs(p, this.schedulerName, this.minor));
      for (const pod of pending) await this.scheduleOne(pod, nodes.body.items ?? [], live);
    } catch (e) {
      this.log.error(`scheduling pass failed: ${(e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async scheduleOne(pod: Obj, nodes: Obj[], live: Obj[]): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const candidates = nodes.filter(nodeSchedulable);
    const reasons = new Map<string, number>();
    const fits: { node: Obj; load: number }[] = [];
    for (const node of candidates) {
      const on = live.filter((p) => p.spec?.nodeName === node.metadata.name);
      const why = fitError(pod, node, on, this.minor);
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      else fits.push({ node, load: on.length });
    }
    if (!fits.length) {
      const summary = candidates.length ? `pod (${pod.metadata.name}) failed to fit in any node\n${[...reasons].map(([r, n]) => `fit failure summary on nodes : ${r} (${n})`).join(', ')}` : 'no nodes available to schedule pods';
      if (!this.reported.has(key + summary)) {
        this.reported.add(key + summary);
        this.log.info(`Failed to schedule pod: ${key}: ${summary.replace('\n', ' ')}`);
        await this.event(pod, 'FailedScheduling', summary, 'Warning');
      }
      return;
    }
    // least loaded first; ties broken round robin, as selectHost did with lastNodeIndex
    const least = Math.min(...fits.map((f) => f.load));
    const best = fits.filter((f) => f.load === least);
    const target = best[this.rr++ % best.length]!.node.metadata.name as string;
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace }, target: { apiVersion: 'v1', kind: 'Node', name: target } };
    const res = await this.api.request('POST', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/binding`, binding);
    if (res.status !== 200) {
      this.log.error(`Failed to bind pod: ${key}: ${res.body.message ?? `HTTP ${res.status}`}`);
      return;
    }
    pod.spec.nodeName = target; // counts against the node for the rest of this pass
    this.log.info(`Successfully assigned ${pod.metadata.name} to ${target}`);
    await this.event(pod, 'Scheduled', `Successfully assigned ${pod.metadata.name} to ${target}`);
  }

  private async event(pod: Obj, reason: string, message: string, type = 'Normal'): Promise<void> {
    const t = rfc3339(new Date());
    const ev = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { generateName: `${pod.metadata.name}.`, namespace: pod.metadata.namespace },
      involvedObject: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1' },
      reason, message, type, source: { component: this.schedulerName }, firstTimestamp: t, lastTimestamp: t, count: 1,
    };
    await this.api.request('POST', `/api/v1/namespaces/${pod.metadata.namespace}/events`, ev).catch(() => undefined);
  }
}

/** kube-scheduler's main: healthz first, then leader election (unless --leader-elect=false), then the loop. */
export async function main(flags: ParsedFlags, ctx: ComponentContext): Promise<void> {
  const log = newLog('server.go');
  const minor = Number(ctx.minor.split('.')[1]);
  const api = apiFromFlags(flags, log);
  await serveHealthz(flags.string('address'), flags.int('port'));
  const name = flags.has('scheduler-name') ? flags.string('scheduler-name') : 'default-scheduler';
  const scheduler = new Scheduler(api, log, minor, name);
  if (!flags.bool('leader-elect')) {
    scheduler.start();
    return;
  }
  const elector = new LeaderElector({
    api, log: newLog('leaderelection.go'), namespace: 'kube-system', name: 'kube-scheduler', identity: hostname(),
    leaseMs: flags.durationMs('leader-elect-lease-duration'), renewDeadlineMs: flags.durationMs('leader-elect-renew-deadline'), retryMs: flags.durationMs('leader-elect-retry-period'),
    onStartedLeading: () => scheduler.start(),
    onStoppedLeading: () => log.fatal('lost master'),
  });
  await elector.run();
}
