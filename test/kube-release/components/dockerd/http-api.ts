// The slice of the Docker Engine API (v1.24, Docker 1.12) the kubelet stand-in speaks:
// _ping, version, info, containers create/start/stop/kill/rename/remove/list/inspect.
// Paths may carry a version prefix (/v1.24/...), as real clients send them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Engine, EngineError } from './engine.js';
import type { ContainerRecord } from './state.js';

/** The daemon facts /version and /info report. */
export interface DaemonInfo {
  cgroupDriver: string;
  graph: string;
  name: string;
}

function send(res: ServerResponse, code: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(code);
    return void res.end();
  }
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), Server: 'Docker/1.12.6 (linux)', 'Api-Version': '1.24' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    throw new EngineError(400, 'invalid character in JSON body');
  }
}

function statusText(c: ContainerRecord): string {
  if (c.running) return `Up ${Math.max(1, Math.round((Date.now() - Date.parse(c.startedAt)) / 1000))} seconds`;
  if (c.startedAt.startsWith('0001')) return 'Created';
  return `Exited (${c.exitCode}) ${Math.max(1, Math.round((Date.now() - Date.parse(c.finishedAt)) / 1000))} seconds ago`;
}

/** GET /containers/json: all=1 for stopped too; filters {"label":["k","k=v"],"name":[..],"id":[..],"status":[..]}. */
function list(engine: Engine, url: URL): unknown[] {
  const all = /^(1|true)$/.test(url.searchParams.get('all') ?? '');
  let filters: Record<string, string[] | Record<string, boolean>> = {};
  try {
    filters = JSON.parse(url.searchParams.get('filters') || '{}');
  } catch {
    throw new EngineError(400, 'invalid filter');
  }
  const values = (k: string): string[] => {
    const f = filters[k];
    return !f ? [] : Array.isArray(f) ? f : Object.keys(f).filter((x) => f[x]);
  };
  return engine
    .all()
    .filter((c) => all || c.running)
    .filter((c) =>
      values('label').every((l) => {
        const i = l.indexOf('=');
        return i < 0 ? l in c.labels : c.labels[l.slice(0, i)] === l.slice(i + 1);
      }),
    )
    .filter((c) => !values('name').length || values('name').some((n) => c.name.includes(n.replace(/^\//, ''))))
    .filter((c) => !values('id').length || values('id').some((p) => c.id.startsWith(p)))
    .filter((c) => !values('status').length || values('status').includes(c.running ? 'running' : c.startedAt.startsWith('0001') ? 'created' : 'exited'))
    .reverse() // newest first, as docker ps
    .map((c) => ({ Id: c.id, Names: [`/${c.name}`], Image: c.image, ImageID: '', Command: c.cmd.join(' '), Created: Math.floor(Date.parse(c.created) / 1000), Labels: c.labels, State: c.running ? 'running' : c.startedAt.startsWith('0001') ? 'created' : 'exited', Status: statusText(c), HostConfig: { NetworkMode: c.networkMode } }));
}

function inspect(c: ContainerRecord): unknown {
  return {
    Id: c.id,
    Name: `/${c.name}`,
    Created: c.created,
    Path: c.cmd[0] ?? 'sleep',
    Args: c.cmd.slice(1),
    Image: c.image,
    State: { Status: c.running ? 'running' : c.startedAt.startsWith('0001') ? 'created' : 'exited', Running: c.running, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: c.pid, ExitCode: c.exitCode, Error: '', StartedAt: c.startedAt, FinishedAt: c.finishedAt },
    Config: { Image: c.image, Cmd: c.cmd, Env: c.env, Labels: c.labels, Hostname: c.id.slice(0, 12) },
    HostConfig: { CgroupParent: c.cgroupParent, NetworkMode: c.networkMode },
    LogPath: '',
  };
}

/** Route one request; errors become Docker's {"message": ...} bodies. */
export async function handleDockerRequest(engine: Engine, info: DaemonInfo, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://docker');
  const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
  const method = req.method ?? 'GET';
  try {
    if (path === '/_ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('OK');
    }
    if (path === '/version') return send(res, 200, { Version: '1.12.6', ApiVersion: '1.24', MinAPIVersion: '1.12', GitCommit: '78d1802', GoVersion: 'go1.6.4', Os: 'linux', Arch: 'amd64', KernelVersion: '', BuildTime: '2017-01-10T20:38:45.000000000+00:00' });
    if (path === '/info') {
      const all = engine.all();
      return send(res, 200, { ID: info.name, Name: info.name, Containers: all.length, ContainersRunning: all.filter((c) => c.running).length, ContainersStopped: all.filter((c) => !c.running).length, Images: 0, Driver: 'overlay', CgroupDriver: info.cgroupDriver, DockerRootDir: info.graph, ServerVersion: '1.12.6', OperatingSystem: 'Drover dockerd stand-in', OSType: 'linux', Architecture: 'x86_64' });
    }
    if (path === '/containers/json' && method === 'GET') return send(res, 200, list(engine, url));
    if (path === '/containers/create' && method === 'POST') {
      const body = await readJson(req);
      if (!body.Image) throw new EngineError(400, 'Config cannot be empty in order to create a container');
      const cmd = [...(body.Entrypoint ? [].concat(body.Entrypoint) : []), ...(body.Cmd ? [].concat(body.Cmd) : [])].map(String);
      const c = engine.create({ name: url.searchParams.get('name') ?? '', image: String(body.Image), cmd, env: (body.Env ?? []).map(String), labels: body.Labels ?? {}, cgroupParent: String(body.HostConfig?.CgroupParent ?? ''), networkMode: String(body.HostConfig?.NetworkMode ?? '') });
      return send(res, 201, { Id: c.id, Warnings: null });
    }
    const m = /^\/containers\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    if (!m) throw new EngineError(404, `page not found`);
    const ref = decodeURIComponent(m[1]!);
    const action = m[2];
    if (!action && method === 'DELETE') {
      await engine.remove(ref, /^(1|true)$/.test(url.searchParams.get('force') ?? ''));
      return send(res, 204);
    }
    if (action === 'json' && method === 'GET') return send(res, 200, inspect(engine.find(ref)));
    if (action === 'start' && method === 'POST') return send(res, (await engine.start(ref)) ? 204 : 304);
    if (action === 'stop' && method === 'POST') return send(res, (await engine.stop(ref, Number(url.searchParams.get('t') ?? 10))) ? 204 : 304);
    if (action === 'kill' && method === 'POST') {
      if (!engine.find(ref).running) throw new EngineError(409, `Container ${engine.find(ref).id} is not running`);
      await engine.stop(ref, 0);
      return send(res, 204);
    }
    if (action === 'rename' && method === 'POST') {
      engine.rename(ref, url.searchParams.get('name') ?? '');
      return send(res, 204);
    }
    throw new EngineError(404, 'page not found');
  } catch (e) {
    if (e instanceof EngineError) return send(res, e.status, { message: e.message });
    return send(res, 500, { message: String((e as Error).message) });
  }
}
