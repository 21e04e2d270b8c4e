// The kubelet's pod loop (every second, like 1.5/1.6's PLEG relist): the pods bound to this
// node from the API against the containers dockerd holds. Per pod it keeps, adopts, renames or
// re-creates containers the way its version does (fact sheet §1):
//  - same scheme, same hash, cgroup parent as expected: kept untouched (kubelet restart);
//  - stock 1.6 CRI: a container without io.kubernetes.docker.type is legacy and forces the
//    sandbox to restart, so the whole pod is re-created;
//  - 1.6 dockertools path (--enable-cri=false): the hash era changed, so 1.5 containers are
//    re-created too, infra included;
//  - --cgroups-per-qos=true: a pod whose cgroup parent is not its QoS cgroup is re-created;
//  - patched 1.6: legacy containers are adopted and renamed to CRI names (same id, process,
//    start time, restartCount).
// A re-created container gets a new id and start time and restartCount+1.
import type { Log } from '../../runtime/log.js';
import type { KubeletApi } from './api.js';
import { cgroupParentFor, sameCgroup } from './cgroups.js';
import type { KubeletConfig } from './config.js';
import type { DockerClient } from './docker-client.js';
import { criName, POD_INFRA } from './naming.js';
import { groupByPod, hashOf, infraSpec, labelsFor, nameFor, type PodContainer } from './pod-containers.js';
import { podStatus, statusKey } from './pod-status.js';

type Obj = Record<string, any>;

const BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 300_000;

/** One pass over this node's pods; throws (and touches nothing) when the API cannot be read. */
export class PodSyncer {
  /** The pods bound here at the last relist (served on /pods). */
  lastPods: Obj[] = [];

  constructor(
    private readonly api: KubeletApi,
    private readonly docker: DockerClient,
    private readonly cfg: KubeletConfig,
    private readonly log: Log,
  ) {}

  /** Why this pod must be re-created as a whole, or undefined if its containers can stay. */
  private recreateReason(pod: Obj, mine: PodContainer[]): string | undefined {
    const { cfg } = this;
    const running = mine.filter((c) => c.docker.running);
    if (!running.length) return undefined;
    const sandbox = running.find((c) => c.sandbox);
    if (!sandbox) return 'no running sandbox';
    if (cfg.cri && !cfg.patched && running.some((c) => c.legacy)) return 'legacy container without io.kubernetes.docker.type label: forcibly triggering infra container restart';
    if (!cfg.cri && running.some((c) => !c.legacy)) return 'container made through CRI, unknown to the docker-tools path';
    const legacyAdoptable = cfg.patched && cfg.cri;
    if (!(legacyAdoptable && sandbox.legacy) && sandbox.hash !== hashOf(infraSpec(cfg), cfg)) return `infra container hash changed (${sandbox.hash} -> ${hashOf(infraSpec(cfg), cfg)}), it will be killed and re-created`;
    if (cfg.cgroups.perQos) {
      const want = cgroupParentFor(pod, cfg.cgroups);
      const off = running.find((c) => !sameCgroup(c.docker.cgroupParent, want));
      if (off) return `cgroup parent ${JSON.stringify(off.docker.cgroupParent)} is not the pod's QoS cgroup ${JSON.stringify(want)}`;
    }
    return undefined;
  }

  private async removeAll(list: PodContainer[], graceSeconds: number): Promise<void> {
    for (const c of list) {
      if (c.docker.running) await this.docker.stop(c.docker.id, graceSeconds);
      await this.docker.remove(c.docker.id);
    }
  }

  private async startSandbox(pod: Obj, attempt: number): Promise<string> {
    const spec = infraSpec(this.cfg);
    const id = await this.docker.run(nameFor(this.cfg, pod, spec, attempt), { image: spec.image, cmd: [], env: [], labels: labelsFor(this.cfg, pod, spec, attempt), cgroupParent: cgroupParentFor(pod, this.cfg.cgroups), networkMode: pod.spec.hostNetwork ? 'host' : 'none' });
    this.log.info(`Started pod sandbox ${id.slice(0, 12)} for pod "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})" attempt ${attempt}`);
    return id;
  }

  private async startContainer(pod: Obj, spec: Obj, attempt: number, sandboxId: string): Promise<void> {
    const env = (spec.env ?? []).filter((e: Obj) => e.value !== undefined).map((e: Obj) => `${e.name}=${e.value}`);
    const id = await this.docker.run(nameFor(this.cfg, pod, spec, attempt), { image: spec.image ?? '', cmd: [...(spec.command ?? []), ...(spec.args ?? [])].map(String), env, labels: labelsFor(this.cfg, pod, spec, attempt, sandboxId), cgroupParent: cgroupParentFor(pod, this.cfg.cgroups), networkMode: `container:${sandboxId}` });
    this.log.info(`Started container "${spec.name}" ${id.slice(0, 12)} of pod "${pod.metadata.name}_${pod.metadata.namespace}" (restartCount ${attempt})`);
  }

  /** Patched 1.6: give an adopted legacy container its CRI name, in place. */
  private async renameToCri(pod: Obj, c: PodContainer): Promise<void> {
    const name = criName(c.sandbox ? POD_INFRA : c.parsed.container, pod.metadata.name, pod.metadata.namespace, pod.metadata.uid, c.restartCount);
    if (c.docker.name === name) return;
    await this.docker.rename(c.docker.id, name);
    this.log.info(`Adopted legacy container ${c.docker.id.slice(0, 12)} of pod "${pod.metadata.name}_${pod.metadata.namespace}": renamed ${c.docker.name} -> ${name}`);
    c.docker.name = name;
  }

  /** Converge one pod's containers with its spec, the way this kubelet's version does. */
  private async syncPod(pod: Obj, existing: PodContainer[]): Promise<void> {
    const { cfg } = this;
    const reason = this.recreateReason(pod, existing);
    let mine = existing;
    const nextAttempt = (name: string): number => {
      const prev = existing.filter((c) => (name === POD_INFRA ? c.sandbox : !c.sandbox && c.parsed.container === name));
      return prev.length ? Math.max(...prev.map((c) => c.restartCount)) + 1 : 0;
    };
    if (reason) {
      this.log.info(`Pod "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})": ${reason}; killing and re-creating all its containers`);
      await this.removeAll(existing, Math.min(Number(pod.spec.terminationGracePeriodSeconds ?? 30), 2));
      mine = [];
    }
    const sandbox = mine.filter((c) => c.sandbox && c.docker.running).at(-1);
    let sandboxId = sandbox?.docker.id;
    if (!sandboxId) {
      const dead = mine.filter((c) => c.sandbox || !c.docker.running);
      await this.removeAll(dead, 0);
      mine = mine.filter((c) => !dead.includes(c));
      sandboxId = await this.startSandbox(pod, nextAttempt(POD_INFRA));
      // a new sandbox means new containers for everything still up in the old one
      await this.removeAll(mine, 2);
      mine = [];
    } else if (cfg.patched && cfg.cri && sandbox!.legacy) {
      await this.renameToCri(pod, sandbox!);
    }
    for (const spec of pod.spec.containers as Obj[]) {
      const current = mine.filter((c) => !c.sandbox && c.parsed.container === spec.name).at(-1);
      if (current?.docker.running) {
        if (cfg.patched && cfg.cri && current.legacy) {
          await this.renameToCri(pod, current);
          continue;
        }
        if (current.hash === hashOf(spec, cfg)) continue;
        this.log.info(`Container "${spec.name}" of pod "${pod.metadata.name}_${pod.metadata.namespace}": hash changed (${current.hash} -> ${hashOf(spec, cfg)}), it will be killed and re-created`);
        await this.removeAll([current], Math.min(Number(pod.spec.terminationGracePeriodSeconds ?? 30), 2));
      } else if (current) {
        // exited: restartPolicy and crash-loop back-off decide
        const policy = pod.spec.restartPolicy ?? 'Always';
        if (policy === 'Never' || (policy === 'OnFailure' && current.docker.exitCode === 0)) continue;
        const wait = Math.min(BACKOFF_MS * 2 ** Math.max(0, current.restartCount - 1), MAX_BACKOFF_MS);
        if (current.restartCount > 0 && Date.now() - Date.parse(current.docker.finishedAt) < wait) continue;
        await this.removeAll([current], 0);
      }
      await this.startContainer(pod, spec, current ? current.restartCount + 1 : nextAttempt(spec.name), sandboxId);
    }
  }

  private async postStatus(pod: Obj, all: PodContainer[]): Promise<void> {
    const status = podStatus(pod, all, this.cfg.nodeIp || '127.0.0.1');
    if (statusKey(status) === statusKey(pod.status)) return;
    const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`;
    const fresh = await this.api.get(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`);
    if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
    await this.api.put(path, { ...fresh, status });
  }

  /** One relist: converge every pod bound here, clean up containers of pods that are gone. */
  async syncOnce(): Promise<void> {
    const list = await this.api.get(`/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${this.cfg.nodeName}`)}`);
    if (!list) throw new Error('pod list: 404');
    const pods: Obj[] = (list.items ?? []).filter((p: Obj) => p.spec?.nodeName === this.cfg.nodeName);
    const byPod = groupByPod(await this.docker.listAll());
    this.lastPods = pods;
    const wanted = new Set<string>();
    for (const pod of pods) {
      const uid = pod.metadata.uid as string;
      const mine = byPod.get(uid) ?? [];
      if (pod.metadata.deletionTimestamp) {
        await this.removeAll(mine, Math.min(Number(pod.metadata.deletionGracePeriodSeconds ?? 30), 10));
        await this.api.delete(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, 0);
        this.log.info(`Pod "${pod.metadata.name}_${pod.metadata.namespace}" terminated and deleted`);
        continue;
      }
      if (['Succeeded', 'Failed'].includes(pod.status?.phase)) continue;
      wanted.add(uid);
      try {
        await this.syncPod(pod, mine);
      } catch (e) {
        this.log.error(`Error syncing pod "${pod.metadata.name}_${pod.metadata.namespace}(${uid})": ${(e as Error).message}`);
      }
    }
    const now = groupByPod(await this.docker.listAll());
    for (const pod of pods.filter((p) => wanted.has(p.metadata.uid))) {
      try {
        await this.postStatus(pod, now.get(pod.metadata.uid) ?? []);
      } catch (e) {
        this.log.error(`Error updating status of pod "${pod.metadata.name}_${pod.metadata.namespace}": ${(e as Error).message}`);
      }
    }
    for (const [uid, mine] of byPod) {
      if (wanted.has(uid) || pods.some((p) => p.metadata.uid === uid)) continue;
      this.log.info(`Killing unwanted pod "${mine[0]!.parsed.pod}_${mine[0]!.parsed.namespace}(${uid})"`);
      await this.removeAll(mine, 2);
    }
  }
}
