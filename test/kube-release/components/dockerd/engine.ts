// The container engine behind the HTTP API: create/start/stop/remove/rename/list/inspect over
// the on-disk store, with each running container a detached process (processes.ts). On start
// it re-adopts the containers its previous run left running, by pid and pid start time.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ContainerStore, type ContainerRecord } from './state.js';
import { processAlive, startDetached, stopProcess } from './processes.js';

/** An engine error with the HTTP status Docker answers and its message text. */
export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Docker's timestamp: RFC 3339 with nanoseconds. */
export function dockerTime(d = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}${String(process.hrtime.bigint() % 1000000n).padStart(6, '0')}Z`);
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** What `docker create` is given (the subset the kubelet stand-in sends): the record's own fields, as stored. */
export type CreateSpec = Pick<ContainerRecord, 'name' | 'image' | 'cmd' | 'env' | 'labels' | 'cgroupParent' | 'networkMode'>;

/** One daemon's containers. */
export class Engine {
  private readonly byId = new Map<string, ContainerRecord>();
  readonly store: ContainerStore;

  constructor(graph: string) {
    this.store = new ContainerStore(graph);
    for (const c of this.store.load()) {
      // a container whose process ended (or whose pid now belongs to another process) while no daemon watched
      if (c.running && !processAlive(c.pid, c.pidStart)) this.markExited(c, -1);
      this.byId.set(c.id, c);
    }
  }

  private markExited(c: ContainerRecord, code: number): void {
    c.running = false;
    c.pid = 0;
    c.exitCode = code;
    c.finishedAt = dockerTime();
    this.store.save(c);
  }

  /** Refresh the running flag of containers whose process ended on its own. */
  reap(): void {
    for (const c of this.byId.values()) if (c.running && !processAlive(c.pid, c.pidStart)) this.markExited(c, -1);
  }

  all(): ContainerRecord[] {
    this.reap();
    return [...this.byId.values()];
  }

  /** Find by full id, unique id prefix, or name (with or without the slash). */
  find(ref: string): ContainerRecord {
    this.reap();
    const name = ref.replace(/^\//, '');
    const exact = this.byId.get(ref) ?? [...this.byId.values()].find((c) => c.name === name);
    if (exact) return exact;
    const matches = [...this.byId.values()].filter((c) => ref.length >= 3 && c.id.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new EngineError(404, `Error response from daemon: Multiple IDs found with provided prefix: ${ref}`);
    throw new EngineError(404, `No such container: ${ref}`);
  }

  create(spec: CreateSpec): ContainerRecord {
    const name = spec.name || `standin_${randomBytes(4).toString('hex')}`;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) throw new EngineError(400, `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const clash = [...this.byId.values()].find((c) => c.name === name);
    if (clash) throw new EngineError(409, `Conflict. The name "/${name}" is already in use by container ${clash.id}. You have to remove (or rename) that container to be able to reuse that name.`);
    const c: ContainerRecord = { id: randomBytes(32).toString('hex'), name, image: spec.image, cmd: spec.cmd, env: spec.env, labels: spec.labels, cgroupParent: spec.cgroupParent, networkMode: spec.networkMode || 'default', created: dockerTime(), running: false, pid: 0, pidStart: '', startedAt: ZERO_TIME, finishedAt: ZERO_TIME, exitCode: 0 };
    this.byId.set(c.id, c);
    this.store.save(c);
    return c;
  }

  /** Start a created or exited container; false if it already runs (Docker's 304). */
  async start(ref: string): Promise<boolean> {
    const c = this.find(ref);
    if (c.running) return false;
    // no image is modelled: an image's default command is a process that just stays up
    const argv = c.cmd.length ? c.cmd : ['sleep', 'infinity'];
    const env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${c.id.slice(0, 12)}`, ...c.env];
    let started;
    try {
      started = await startDetached(argv, env, this.store.pathOf(c.id), join(this.store.pathOf(c.id), `${c.id}-json.log`));
    } catch (e) {
      throw new EngineError(500, `oci runtime error: ${(e as Error).message}`);
    }
    Object.assign(c, { running: true, pid: started.pid, pidStart: started.start, startedAt: dockerTime(), finishedAt: ZERO_TIME, exitCode: 0 });
    this.store.save(c);
    return true;
  }

  /** Stop a running container; false if it was not running (Docker's 304). */
  async stop(ref: string, graceSeconds: number): Promise<boolean> {
    const c = this.find(ref);
    if (!c.running) return false;
    const code = await stopProcess(c.pid, c.pidStart, graceSeconds);
    this.markExited(c, code);
    return true;
  }

  /** Docker's shutdown without --live-restore: stop every running container (in parallel, each its grace). */
  async stopAll(graceSeconds: number): Promise<number> {
    const up = this.all().filter((c) => c.running);
    await Promise.all(up.map((c) => this.stop(c.id, graceSeconds)));
    return up.length;
  }

  async remove(ref: string, force: boolean): Promise<void> {
    const c = this.find(ref);
    if (c.running && !force) throw new EngineError(409, `You cannot remove a running container ${c.id}. Stop the container before attempting removal or use -f`);
    if (c.running) await this.stop(c.id, 0);
    this.byId.delete(c.id);
    this.store.remove(c.id);
  }

  rename(ref: string, newName: string): void {
    const c = this.find(ref);
    const name = newName.replace(/^\//, '');
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) throw new EngineError(400, `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const clash = [...this.byId.values()].find((x) => x.name === name && x.id !== c.id);
    if (clash) throw new EngineError(409, `Conflict. The name "/${name}" is already in use by container ${clash.id}. You have to remove (or rename) that container to be able to reuse that name.`);
    c.name = name;
    this.store.save(c);
  }
}
