// Test harness for the API simulator: starts server.ts as its own process (so tests can block
// on kubectl without stalling the server), and offers kubectl, raw API calls, object creation
// that waits for pods to run, and a way into a pod's sandbox that bypasses the API (for asserts).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerEnv, execArgv, readSandbox, sandboxAlive } from './sandbox.js';
import { apiVersionOf, resourceForKind } from './resources.js';
import { runCommand, type RunResult } from '../helpers/run-command.js';

export type { RunResult };

const HERE = dirname(fileURLToPath(import.meta.url));

type Obj = Record<string, any>;

export interface K8sSim {
  root: string;
  url: string;
  token: string;
  caFile: string;
  /** kubeconfig with context `sim` (token auth, CA inline, namespace default). */
  kubeconfig: string;
  /** Real kubectl against this simulator, with a private discovery cache; `onStderr` follows its log live. */
  kubectl(args: string[], options?: { input?: string; timeoutMs?: number; onStderr?: (text: string) => void }): Promise<RunResult>;
  /** A raw API call; body is JSON-encoded. `contentType` for PATCH flavours. */
  api(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: Obj }>;
  /** Create any object; a Pod is returned once its sandbox runs (phase Running). */
  create(obj: Obj): Promise<Obj>;
  /** Run a shell command inside a pod's sandbox directly (nsenter), bypassing the API. */
  podShell(namespace: string, pod: string, command: string, container?: string): RunResult;
  /** While on, the server accepts connections and never answers them (an API server that hangs). */
  stall(on: boolean): void;
  /** Request counters since start: { total, exec } (read from the server at stop). */
  pid: number;
  stop(): Promise<void>;
}

/** The collection path for an object of this apiVersion/kind in a namespace. */
export function collectionPath(apiVersion: string, kind: string, namespace?: string): string {
  const r = resourceForKind(apiVersion, kind);
  if (!r) throw new Error(`the simulator does not serve ${apiVersion} ${kind}`);
  const base = r.group ? `/apis/${apiVersionOf(r)}` : '/api/v1';
  return r.namespaced ? `${base}/namespaces/${namespace ?? 'default'}/${r.plural}` : `${base}/${r.plural}`;
}

/** Start a simulator under /tmp/drover-k8s-sim-NAME (or `root`). Needs root (pod sandboxes). */
export async function startK8sSim(options: { name?: string; root?: string; nodeGraceSeconds?: number; host?: string; externalControllers?: boolean; execProtocols?: string[]; gracefulDelete?: boolean } = {}): Promise<K8sSim> {
  const root = options.root ?? `/tmp/drover-k8s-sim-${options.name ?? 'test'}`;
  const stale = existsSync(join(root, 'ready.json')) ? (JSON.parse(readFileSync(join(root, 'ready.json'), 'utf8')) as { pid: number }) : undefined;
  if (stale && existsSync(`/proc/${stale.pid}`)) throw new Error(`a simulator (pid ${stale.pid}) still runs under ${root}: stop it first (npm run k8s-sim -- down ${root})`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const log = openSync(join(root, 'server.log'), 'a');
  // DROVER_K8S_EXEC_PROTOCOLS runs any simulator-based test against an older server (e.g. v4.channel.k8s.io)
  const execProtocols = options.execProtocols ?? process.env.DROVER_K8S_EXEC_PROTOCOLS?.split(',').filter(Boolean);
  const args = ['--import', 'tsx', join(HERE, 'server.ts'), '--root', root, '--node-grace', String(options.nodeGraceSeconds ?? 40), '--host', options.host ?? process.env.DROVER_K8S_SIM_HOST ?? '127.0.0.1', ...(options.externalControllers ? ['--external-controllers'] : []), ...(execProtocols ? ['--exec-protocols', execProtocols.join(',')] : []), ...(options.gracefulDelete ? ['--graceful-delete'] : [])];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', log, log], detached: true });
  child.unref();
  const deadline = Date.now() + 30_000;
  while (!existsSync(join(root, 'ready.json'))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`simulator did not start: ${readFileSync(join(root, 'server.log'), 'utf8')}`);
    await sleep(25);
  }
  return attachK8sSim(root, child);
}

/** A handle on a simulator already running under root (started by startK8sSim or the CLI). */
export function attachK8sSim(root: string, child?: ChildProcess): K8sSim {
  const ready = JSON.parse(readFileSync(join(root, 'ready.json'), 'utf8')) as { url: string; token: string; caFile: string; pid: number };
  const ca = readFileSync(ready.caFile);
  const kubeconfig = join(root, 'kubeconfig');
  const cacheDir = join(root, 'kube-cache');

  const api: K8sSim['api'] = (method, path, body, contentType) =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(`${ready.url}${path}`, { method, ca, headers: { Authorization: `Bearer ${ready.token}`, Accept: 'application/json', ...(text ? { 'Content-Type': contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(text) } : {}) } }, (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => {
          let parsed: Obj = {};
          try {
            parsed = data ? (JSON.parse(data) as Obj) : {};
          } catch {
            parsed = { text: data };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      req.end(text);
    });

  const sandboxDir = (namespace: string, pod: string, container?: string): string => {
    const prefix = `${namespace}_${pod}_`;
    const dirs = readdirSync(join(root, 'pods')).filter((d) => d.startsWith(prefix));
    // the first container has the pod's directory, every other one `<that>-c-<container>`
    const dir = (container ? dirs.find((d) => d.length === prefix.length + 8 + 3 + container.length && d.endsWith(`-c-${container}`)) : undefined) ?? dirs.find((d) => d.length === prefix.length + 8);
    if (!dir) throw new Error(`no sandbox for pod ${namespace}/${pod}`);
    return join(root, 'pods', dir);
  };

  return {
    root,
    url: ready.url,
    token: ready.token,
    caFile: ready.caFile,
    kubeconfig,
    pid: ready.pid,
    // stdin an empty pipe when no input is given, as it always was here
    kubectl: (args, o = {}) => runCommand('kubectl', args, { env: { KUBECONFIG: kubeconfig, KUBECACHEDIR: cacheDir }, input: o.input ?? '', timeoutMs: o.timeoutMs ?? 120_000, onStderr: o.onStderr }),
    api,
    async create(obj) {
      const path = collectionPath(obj.apiVersion, obj.kind, obj.metadata?.namespace);
      const res = await api('POST', path, obj);
      if (res.status !== 201) throw new Error(`create ${obj.kind} ${obj.metadata?.name}: HTTP ${res.status} ${res.body.message ?? ''}`);
      if (obj.kind !== 'Pod') return res.body;
      for (let i = 0; i < 600; i++) {
        const got = await api('GET', `${path}/${res.body.metadata.name}`);
        if (got.body.status?.phase === 'Running') return got.body;
        if (got.body.status?.phase === 'Failed') throw new Error(`pod ${obj.metadata?.name} failed: ${got.body.status.message}`);
        await sleep(20);
      }
      throw new Error(`pod ${obj.metadata?.name} did not run in 12 s`);
    },
    stall(on) {
      if (on) writeFileSync(join(root, 'stall'), '');
      else rmSync(join(root, 'stall'), { force: true });
    },
    podShell(namespace, pod, command, container) {
      const sb = readSandbox(sandboxDir(namespace, pod, container));
      if (!sb) throw new Error(`sandbox of ${namespace}/${pod} not started`);
      const argv = execArgv(sb, ['/bin/sh', '-c', command]);
      try {
        const stdout = execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: containerEnv(pod), stdio: ['ignore', 'pipe', 'pipe'] });
        return { rc: 0, stdout, stderr: '' };
      } catch (e) {
        const err = e as { status?: number; stdout?: string; stderr?: string };
        return { rc: err.status ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
      }
    },
    async stop() {
      const sandboxes = existsSync(join(root, 'pods')) ? readdirSync(join(root, 'pods')).map((d) => readSandbox(join(root, 'pods', d))).filter((s) => s !== undefined) : [];
      try {
        process.kill(ready.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 400 && existsSync(`/proc/${ready.pid}`) && child?.exitCode === null; i++) await sleep(25);
      for (let i = 0; i < 400 && existsSync(`/proc/${ready.pid}`) && !child; i++) await sleep(25);
      if (existsSync(`/proc/${ready.pid}`) && (child ? child.exitCode === null : true)) process.kill(ready.pid, 'SIGKILL');
      // the server stops its pods; any it could not (it was killed) are ended here, by recorded pid
      for (const s of sandboxes) if (sandboxAlive(s)) process.kill(s.pid, 'SIGKILL');
      for (let i = 0; i < 200 && sandboxes.some((s) => sandboxAlive(s)); i++) await sleep(10);
      const left = sandboxes.filter((s) => sandboxAlive(s));
      if (left.length) throw new Error(`pod sandboxes still alive after stop: ${left.map((s) => s.pid).join(' ')}`);
    },
  };
}
