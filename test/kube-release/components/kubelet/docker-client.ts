// The kubelet's side of the Docker API (v1.24) over --docker-endpoint's unix socket: just the
// calls the stand-in kubelet makes (info, list, inspect, create, start, stop, remove, rename).
import { request } from 'node:http';

type Obj = Record<string, any>;

/** A container as `docker inspect` reports it (the fields the kubelet reads). */
export interface DockerContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  running: boolean;
  created: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  pid: number;
  cgroupParent: string;
  image: string;
}

/** Thrown when dockerd answers with an error status. */
export class DockerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A client for one dockerd socket. */
export class DockerClient {
  readonly socketPath: string;
  private inspected = new Map<string, { key: string; c: DockerContainer }>();

  constructor(endpoint: string) {
    if (!endpoint.startsWith('unix://')) throw new Error(`unsupported docker endpoint ${endpoint} (unix:// only)`);
    this.socketPath = endpoint.slice('unix://'.length);
  }

  private call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request({ socketPath: this.socketPath, path: `/v1.24${path}`, method, headers: text ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } : {} }, (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => {
          let parsed: any = data;
          try {
            parsed = data ? JSON.parse(data) : undefined;
          } catch {
            /* plain text (e.g. _ping) */
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) reject(new DockerError(status, `docker ${method} ${path}: ${status} ${parsed?.message ?? data}`));
          else resolve({ status, body: parsed });
        });
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`docker ${method} ${path}: timeout`)));
      req.on('error', reject);
      req.end(text);
    });
  }

  async info(): Promise<Obj> {
    return (await this.call('GET', '/info')).body;
  }

  async version(): Promise<Obj> {
    return (await this.call('GET', '/version')).body;
  }

  /** Every container (running or not), inspected; a container whose list entry (name, state) is unchanged is not inspected again. */
  async listAll(): Promise<DockerContainer[]> {
    const list: Obj[] = (await this.call('GET', '/containers/json?all=1')).body;
    const out: DockerContainer[] = [];
    const seen = new Map<string, { key: string; c: DockerContainer }>();
    for (const c of list) {
      const key = `${c.Names?.[0]}|${c.State}|${c.Created}`;
      const cached = this.inspected.get(c.Id);
      if (cached?.key === key) {
        out.push({ ...cached.c, labels: { ...cached.c.labels } });
        seen.set(c.Id, cached);
        continue;
      }
      try {
        const fresh = await this.inspect(c.Id);
        out.push(fresh);
        seen.set(c.Id, { key, c: { ...fresh, labels: { ...fresh.labels } } });
      } catch (e) {
        if ((e as DockerError).status !== 404) throw e; // removed meanwhile
      }
    }
    this.inspected = seen;
    return out;
  }

  async inspect(id: string): Promise<DockerContainer> {
    const c: Obj = (await this.call('GET', `/containers/${id}/json`)).body;
    return { id: c.Id, name: String(c.Name).replace(/^\//, ''), labels: c.Config?.Labels ?? {}, running: Boolean(c.State?.Running), created: c.Created, startedAt: c.State?.StartedAt, finishedAt: c.State?.FinishedAt, exitCode: c.State?.ExitCode ?? 0, pid: c.State?.Pid ?? 0, cgroupParent: c.HostConfig?.CgroupParent ?? '', image: c.Config?.Image ?? c.Image };
  }

  /** Create and start; returns the new container's id. */
  async run(name: string, spec: { image: string; cmd: string[]; env: string[]; labels: Record<string, string>; cgroupParent: string; networkMode?: string }): Promise<string> {
    const created = await this.call('POST', `/containers/create?name=${encodeURIComponent(name)}`, { Image: spec.image, Cmd: spec.cmd, Env: spec.env, Labels: spec.labels, HostConfig: { CgroupParent: spec.cgroupParent, NetworkMode: spec.networkMode ?? 'default' } });
    const id = String(created.body.Id);
    await this.call('POST', `/containers/${id}/start`);
    return id;
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    await this.call('POST', `/containers/${id}/stop?t=${graceSeconds}`);
  }

  async remove(id: string): Promise<void> {
    await this.call('DELETE', `/containers/${id}?force=1`);
  }

  async rename(id: string, name: string): Promise<void> {
    await this.call('POST', `/containers/${id}/rename?name=${encodeURIComponent(name)}`);
  }
}
