// The REST surface of the stand-in apiserver: the simulator's discovery, resource types,
// Tables, selectors and patches (test/k8s-sim), served from the etcd store. Unlike the
// simulator it neither schedules nor runs pods (the scheduler and kubelets do), binds pods
// through pods/binding, and deletes bound pods gracefully (deletionTimestamp first).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonPatch, mergePatch } from '../../../k8s-sim/patch.js';
import { apiVersionOf, findResource, groupList, resourceList, route, toTable, RESOURCES, type ResourceType, type Target } from '../../../k8s-sim/resources.js';
import { matches, parseFieldSelector, parseLabelSelector } from '../../../k8s-sim/selectors.js';
import { isLegacyReplicaSet, prepareReplicaSet } from '../../../k8s-sim/replicasets.js';
import { ApiError } from '../../../k8s-sim/store.js';
import type { EtcdStore } from './etcd-store.js';

type Obj = Record<string, any>;

/** What the handler needs besides the store. */
export interface ApiContext {
  store: EtcdStore;
  version: string; // "v1.6.13"
  serverAddress: string; // host:port advertised in /api
}

const core = (plural: string): ResourceType | undefined => findResource('', 'v1', plural);
const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** A metav1.Status body. */
export function statusBody(code: number, reason: string, message: string, details?: Obj): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** Write a JSON response. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Obj {
  try {
    return JSON.parse(text) as Obj;
  } catch {
    throw new ApiError(400, 'BadRequest', 'the body of the request was in an unknown format - accepted media types include: application/json');
  }
}

function applyPatch(req: IncomingMessage, cur: Obj, text: string): Obj {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
  try {
    if (type === 'application/json-patch+json') return jsonPatch(cur, JSON.parse(text)) as Obj;
    if (type === 'application/merge-patch+json') return mergePatch(cur, JSON.parse(text)) as Obj;
    if (type === 'application/strategic-merge-patch+json') return mergePatch(cur, JSON.parse(text), true) as Obj;
  } catch (e) {
    throw new ApiError(422, 'Invalid', `the patch could not be applied: ${(e as Error).message}`);
  }
  throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${type})`);
}

/** Types whose status only changes through /status (the real update strategies reset it). */
const statusViaSubresource = (r: ResourceType): boolean => !r.group && (r.plural === 'pods' || r.plural === 'nodes');

const wantsTable = (req: IncomingMessage): boolean => /as=Table/.test(String(req.headers.accept ?? ''));

function validatePod(pod: Obj): void {
  const containers = pod.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) throw new ApiError(422, 'Invalid', `Pod "${pod.metadata?.name}" is invalid: spec.containers: Required value`);
  for (const [i, c] of containers.entries()) if (!c?.name) throw new ApiError(422, 'Invalid', `Pod "${pod.metadata?.name}" is invalid: spec.containers[${i}].name: Required value`);
}

/** The gracePeriodSeconds a DELETE asks for (query or DeleteOptions body), if any. */
function gracePeriod(url: URL, body: string): number | undefined {
  const q = url.searchParams.get('gracePeriodSeconds');
  if (q !== null) return Number(q);
  if (!body.trim()) return undefined;
  const opts = parseJson(body);
  return typeof opts.gracePeriodSeconds === 'number' ? opts.gracePeriodSeconds : undefined;
}

/** Build the request handler for the API paths (authentication is the caller's). */
export function makeApiHandler(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { store } = ctx;
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(ctx.version) ?? ['', '1', '6'];

  async function requireNamespace(t: Target): Promise<void> {
    const NS = core('namespaces')!;
    if (t.r.namespaced && t.namespace && !(await store.get(NS, undefined, t.namespace))) throw new ApiError(404, 'NotFound', `namespaces "${t.namespace}" not found`, { name: t.namespace, kind: 'namespaces' });
  }

  function selectors(url: URL): { keep: (o: Obj) => boolean } {
    try {
      const labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
      const fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? '');
      return { keep: (o) => matches(o, labels, fields) };
    } catch (e) {
      throw new ApiError(400, 'BadRequest', (e as Error).message);
    }
  }

  async function watch(t: Target, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { keep: sel } = selectors(url);
    const keep = (o: Obj): boolean => (!t.name || o.metadata?.name === t.name) && sel(o);
    const table = wantsTable(req);
    const rvParam = url.searchParams.get('resourceVersion');
    let since: number;
    let initial: Obj[] = [];
    if (!rvParam || rvParam === '0') {
      const listed = await store.list(t.r, t.namespace);
      initial = listed.items.filter(keep);
      since = Number(listed.rv);
    } else since = Number(rvParam);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const write = (type: string, obj: Obj): void => {
      const object = table && type !== 'ERROR' ? toTable(t.r, [obj], obj.metadata.resourceVersion, url.searchParams.get('includeObject')) : obj;
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    for (const o of initial) write('ADDED', o);
    const stop = store.watch(
      t.r,
      t.namespace,
      since,
      (e) => (e.type === 'ERROR' || keep(e.obj)) && write(e.type, e.obj),
      (err) => {
        if (err) res.write(`${JSON.stringify({ type: 'ERROR', object: statusBody(err.code, err.reason, err.message) })}\n`);
        res.end();
      },
    );
    const timer = setTimeout(() => res.end(), Number(url.searchParams.get('timeoutSeconds') ?? 1800) * 1000);
    const close = (): void => {
      clearTimeout(timer);
      stop();
    };
    req.on('close', close);
    res.on('close', close);
  }

  async function create(t: Target, req: IncomingMessage, url: URL): Promise<Obj> {
    await requireNamespace(t);
    const input = parseJson(await readBody(req));
    if (input.kind && input.kind !== t.r.kind) throw new ApiError(400, 'BadRequest', `the API version in the data (${input.apiVersion}) does not match the expected API version (${apiVersionOf(t.r)}) or kind ${input.kind} is not ${t.r.kind}`);
    if (t.r.plural === 'pods' && !t.r.group) {
      validatePod(input);
      input.spec = { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', ...input.spec };
      input.status = { phase: 'Pending', ...(input.spec.nodeName ? { conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now() }] } : {}) };
    }
    if (t.r.plural === 'namespaces') input.status = { phase: 'Active' };
    if (isLegacyReplicaSet(t.r)) prepareReplicaSet(input);
    if (url.searchParams.get('dryRun')) return input;
    return store.create(t.r, t.namespace, input);
  }

  /** POST pods/NAME/binding: the scheduler's write; 409 if the pod is already bound. */
  async function bind(t: Target, req: IncomingMessage): Promise<Obj> {
    const binding = parseJson(await readBody(req));
    const node = binding.target?.name;
    if (!node) throw new ApiError(422, 'Invalid', 'Binding.target.name: Required value');
    await store.guaranteedUpdate(t.r, t.namespace, t.name!, (pod) => {
      if (pod.metadata.deletionTimestamp) throw new ApiError(409, 'Conflict', `pod ${t.name} is being deleted, cannot be assigned to a host`);
      if (pod.spec.nodeName) throw new ApiError(409, 'Conflict', `pod ${t.name} is already assigned to node "${pod.spec.nodeName}"`);
      pod.spec.nodeName = node;
      const conditions = (pod.status?.conditions ?? []).filter((c: Obj) => c.type !== 'PodScheduled');
      pod.status = { ...pod.status, conditions: [...conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() }] };
      return pod;
    });
    return statusBody(201, '', '');
  }

  /** Delete one object; a bound, running pod with a grace period is only marked (deletionTimestamp), as the real registry does. */
  async function deleteObject(t: Target, grace: number | undefined, expectRv?: string): Promise<Obj> {
    if (t.r.plural === 'pods' && !t.r.group) {
      const cur = await store.get(t.r, t.namespace, t.name!);
      const seconds = grace ?? cur?.spec?.terminationGracePeriodSeconds ?? 30;
      if (cur?.spec?.nodeName && seconds > 0 && cur.status?.phase !== 'Succeeded' && cur.status?.phase !== 'Failed') {
        return store.guaranteedUpdate(t.r, t.namespace, t.name!, (pod) => {
          // a second delete may only shorten the grace period
          if (pod.metadata.deletionTimestamp && seconds >= (pod.metadata.deletionGracePeriodSeconds ?? Infinity)) return pod;
          pod.metadata.deletionTimestamp = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
          pod.metadata.deletionGracePeriodSeconds = seconds;
          return pod;
        }, expectRv);
      }
    }
    const gone = await store.delete(t.r, t.namespace, t.name!, expectRv);
    if (t.r.plural === 'namespaces' && !t.r.group) {
      for (const r of RESOURCES.filter((x) => x.namespaced)) {
        for (const o of (await store.list(r, t.name)).items) await store.delete(r, t.name, o.metadata.name).catch(() => undefined);
      }
    }
    return gone;
  }

  /** DELETE one object with DeleteOptions from the query or the body. */
  async function remove(t: Target, req: IncomingMessage, url: URL): Promise<Obj> {
    const body = await readBody(req);
    const grace = gracePeriod(url, body);
    const expectRv = body.trim() ? parseJson(body).preconditions?.resourceVersion : undefined;
    if (url.searchParams.get('dryRun')) {
      const cur = await store.get(t.r, t.namespace, t.name!);
      if (!cur) throw new ApiError(404, 'NotFound', `${t.r.plural} "${t.name}" not found`, { name: t.name, kind: t.r.plural });
      return cur;
    }
    return deleteObject(t, grace, expectRv);
  }

  /** POST pods/NAME/eviction: a delete with the Eviction's DeleteOptions (no PodDisruptionBudget check). */
  async function evict(t: Target, req: IncomingMessage): Promise<Obj> {
    const eviction = parseJson(await readBody(req));
    const opts = eviction.deleteOptions ?? {};
    if (!(await store.get(t.r, t.namespace, t.name!))) throw new ApiError(404, 'NotFound', `pods "${t.name}" not found`, { name: t.name, kind: 'pods' });
    await deleteObject(t, typeof opts.gracePeriodSeconds === 'number' ? opts.gracePeriodSeconds : undefined, opts.preconditions?.resourceVersion);
    return statusBody(201, '', '');
  }

  async function resource(t: Target, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const checked = (o: Obj): Obj => {
      if (isLegacyReplicaSet(t.r)) prepareReplicaSet(o);
      return o;
    };
    if (t.sub && !['status', 'binding', 'eviction'].includes(t.sub)) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${t.r.plural}/${t.sub})`);
    if (!t.name) {
      if (method === 'GET') {
        if (/^(true|1)$/.test(url.searchParams.get('watch') ?? '')) return watch(t, req, res, url);
        const { keep } = selectors(url);
        const listed = await store.list(t.r, t.namespace);
        const items = listed.items.filter(keep);
        if (wantsTable(req)) return sendJson(res, 200, toTable(t.r, items, listed.rv, url.searchParams.get('includeObject')));
        return sendJson(res, 200, { kind: `${t.r.kind}List`, apiVersion: apiVersionOf(t.r), metadata: { resourceVersion: listed.rv }, items });
      }
      if (method === 'POST') return sendJson(res, 201, await create(t, req, url));
      if (method === 'DELETE') {
        const { keep } = selectors(url);
        const items = (await store.list(t.r, t.namespace)).items.filter(keep);
        for (const o of items) await store.delete(t.r, o.metadata.namespace, o.metadata.name).catch(() => undefined);
        return sendJson(res, 200, { kind: `${t.r.kind}List`, apiVersion: apiVersionOf(t.r), metadata: {}, items });
      }
      throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on a collection`);
    }
    if (t.sub === 'eviction') {
      if (method !== 'POST' || t.r.plural !== 'pods') throw new ApiError(405, 'MethodNotAllowed', 'eviction takes POST on pods');
      return sendJson(res, 201, await evict(t, req));
    }
    if (t.sub === 'binding') {
      if (method !== 'POST' || t.r.plural !== 'pods') throw new ApiError(405, 'MethodNotAllowed', 'binding takes POST on pods');
      return sendJson(res, 201, await bind(t, req));
    }
    const dryRun = Boolean(url.searchParams.get('dryRun'));
    switch (method) {
      case 'GET': {
        const cur = await store.get(t.r, t.namespace, t.name);
        if (!cur) throw new ApiError(404, 'NotFound', `${t.r.plural} "${t.name}" not found`, { name: t.name, kind: t.r.plural });
        return sendJson(res, 200, wantsTable(req) ? toTable(t.r, [cur], cur.metadata.resourceVersion, url.searchParams.get('includeObject')) : cur);
      }
      case 'PUT': {
        const next = parseJson(await readBody(req));
        const merge = (cur: Obj): Obj => (t.sub === 'status' ? { ...cur, status: next.status } : checked({ ...next, status: statusViaSubresource(t.r) ? cur.status : (next.status ?? cur.status) }));
        if (dryRun) return sendJson(res, 200, next);
        return sendJson(res, 200, await store.guaranteedUpdate(t.r, t.namespace, t.name, merge, next.metadata?.resourceVersion || undefined));
      }
      case 'PATCH': {
        const text = await readBody(req);
        const mutate = (cur: Obj): Obj => {
          const next = applyPatch(req, cur, text);
          if (t.sub === 'status') return { ...cur, status: next.status };
          return checked(statusViaSubresource(t.r) ? { ...next, status: cur.status } : next);
        };
        if (dryRun) {
          const cur = await store.get(t.r, t.namespace, t.name);
          if (!cur) throw new ApiError(404, 'NotFound', `${t.r.plural} "${t.name}" not found`, { name: t.name, kind: t.r.plural });
          return sendJson(res, 200, mutate(cur));
        }
        return sendJson(res, 200, await store.guaranteedUpdate(t.r, t.namespace, t.name, mutate));
      }
      case 'DELETE':
        return sendJson(res, 200, await remove(t, req, url));
      default:
        throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported`);
    }
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://apiserver');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' || path.startsWith('/healthz/')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('ok');
    }
    if (path === '/version') return sendJson(res, 200, { major, minor, gitVersion: ctx.version, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2017-01-01T00:00:00Z', goVersion: minor === '5' ? 'go1.7.4' : 'go1.7.5', compiler: 'gc', platform: 'linux/amd64' });
    if (path === '/api') return sendJson(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: ctx.serverAddress }] });
    if (path === '/apis') return sendJson(res, 200, groupList());
    if (path === '/api/v1') return sendJson(res, 200, resourceList('', 'v1'));
    const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (gv) {
      const list = resourceList(gv[1]!, gv[2]!);
      if (!list.resources.length) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      return sendJson(res, 200, list);
    }
    const t = route(path);
    if (!t) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return resource(t, req, res, url);
  };
}
