// A Kubernetes API server simulator for Drover's tests: HTTPS with its own CA and a token,
// discovery, namespaced and cluster objects with list/get/watch/create/update/patch/delete,
// Tables for `kubectl get`, the eviction subresource, and pod exec over WebSocket where each
// pod is a real sandbox (sandbox.ts). Real kubectl drives it. Run as a process:
//   node --import tsx test/k8s-sim/server.ts --root DIR [--port N] [--host ADDR] [--node-grace SECONDS]
//     [--exec-protocols v4.channel.k8s.io,channel.k8s.io]  (exec subprotocols served; default all, v5 first)
//     [--graceful-delete]  (a bound pod's DELETE/eviction marks it Terminating for its grace period first)
//     [--external-controllers]  (pods stay Pending until bound via pods/NAME/binding; no sandboxes,
//      no lease-based NotReady: kube-release's scheduler, kubelet and controller-manager do those)
// It writes DIR/kubeconfig and then DIR/ready.json; SIGTERM stops every pod and exits. While a
// file DIR/stall exists it accepts connections and never answers (sim.stall(true)).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:https';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { makeServerPki } from './pki.js';
import { jsonPatch, mergePatch } from './patch.js';
import { apiVersionOf, findResource, groupList, resourceList, route, toTable, RESOURCES, type ResourceType, type Target } from './resources.js';
import { matches, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { checkEviction, checkFieldSelector, checkForbidden, checkTypes, normalizeQuantities, page } from './refusals.js';
import { isLegacyReplicaSet, prepareReplicaSet } from './replicasets.js';
import { containerEnv, execArgv, startSandbox, stopSandbox, type Sandbox } from './sandbox.js';
import { ApiError, Store, type WatchEvent } from './store.js';

type Obj = Record<string, any>;

const { values: opts } = parseArgs({ options: { root: { type: 'string' }, port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, 'node-grace': { type: 'string', default: '40' }, 'external-controllers': { type: 'boolean', default: false }, 'exec-protocols': { type: 'string' }, 'graceful-delete': { type: 'boolean', default: false } } });
if (!opts.root) throw new Error('--root DIR is required');
const ROOT = opts.root;
const NODE_GRACE_MS = Number(opts['node-grace']) * 1000;
const HOST = opts.host!;
const EXTERNAL = opts['external-controllers']!;
const GRACEFUL = opts['graceful-delete']!;
mkdirSync(join(ROOT, 'pods'), { recursive: true });

const pki = makeServerPki(join(ROOT, 'pki'), HOST);
const TOKEN = randomBytes(24).toString('hex');
const store = new Store();
const sandboxes = new Map<string, Map<string, Sandbox>>(); // pod uid -> container name -> its sandbox
const evictionRefusals = new Map<string, number>(); // pod uid -> 429s answered so far
const requestCounts = { total: 0, exec: 0 };

const core = (plural: string): ResourceType => findResource('', 'v1', plural)!;
const NAMESPACES = core('namespaces');
const NODES = core('nodes');
const PODS = core('pods');
const EVENTS = core('events');
const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;

for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) store.create(NAMESPACES, undefined, { metadata: { name }, status: { phase: 'Active' } });

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function status(code: number, reason: string, message: string, details?: Obj): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function recordEvent(involved: Obj, reason: string, message: string, type = 'Normal'): void {
  const ns = involved.metadata.namespace ?? 'default';
  store.create(EVENTS, ns, {
    metadata: { generateName: `${involved.metadata.name}.`, namespace: ns },
    involvedObject: { kind: involved.kind, name: involved.metadata.name, namespace: involved.metadata.namespace, uid: involved.metadata.uid, apiVersion: involved.apiVersion },
    reason, message, type, source: { component: 'drover-sim' }, firstTimestamp: now(), lastTimestamp: now(), count: 1,
  });
}

// ---- pods: scheduling and sandboxes --------------------------------------------------------

let nextNode = 0;
let nextIp = 0;

function schedule(pod: Obj): void {
  if (pod.spec.nodeName) return;
  const ready = store.list(NODES).filter((n) => !n.spec?.unschedulable);
  if (ready.length) pod.spec.nodeName = ready[nextNode++ % ready.length]!.metadata.name;
}

function validatePod(pod: Obj): void {
  const containers = pod.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) throw new ApiError(422, 'Invalid', `Pod "${pod.metadata?.name}" is invalid: spec.containers: Required value`);
  for (const [i, c] of containers.entries()) if (!c?.name) throw new ApiError(422, 'Invalid', `Pod "${pod.metadata?.name}" is invalid: spec.containers[${i}].name: Required value`);
}

async function runPod(pod: Obj): Promise<void> {
  const { namespace, name, uid } = pod.metadata;
  try {
    // one sandbox per container: its own root and processes (the first keeps the pod's directory name)
    const started = new Map<string, Sandbox>();
    const base = join(ROOT, 'pods', `${namespace}_${name}_${uid.slice(0, 8)}`);
    try {
      for (const [i, c] of (pod.spec.containers as Obj[]).entries()) {
        started.set(c.name, await startSandbox(i === 0 ? base : `${base}-c-${c.name}`, name, { noTar: pod.metadata.annotations?.['sim.drover.dev/no-tar'] === 'true', container: c.name }));
      }
    } catch (err) {
      await Promise.allSettled([...started.values()].map((s) => stopSandbox(s)));
      throw err;
    }
    const sb = started.values().next().value!;
    const cur = store.get(PODS, namespace, name);
    if (!cur || cur.metadata.uid !== uid) {
      await Promise.allSettled([...started.values()].map((s) => stopSandbox(s))); // deleted while starting
      return;
    }
    sandboxes.set(uid, started);
    const t = now();
    const ip = `10.244.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 2}`;
    const cond = (type: string): Obj => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
    store.update(PODS, namespace, name, {
      ...cur,
      status: {
        phase: 'Running',
        conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
        hostIP: '127.0.0.1', podIP: ip, podIPs: [{ ip }], startTime: t, qosClass: 'BestEffort',
        containerStatuses: cur.spec.containers.map((c: Obj) => ({ name: c.name, image: c.image ?? 'debian', imageID: '', containerID: `sim://${uid}/${c.name}`, ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } } })),
      },
    });
    recordEvent(cur, 'Started', `Started container(s) in sandbox pid ${sb.pid}`);
  } catch (err) {
    const cur = store.get(PODS, namespace, name);
    if (cur && cur.metadata.uid === uid) store.update(PODS, namespace, name, { ...cur, status: { ...cur.status, phase: 'Failed', message: String((err as Error).message) } });
  }
}

async function deletePodSandbox(pod: Obj): Promise<void> {
  const sbs = sandboxes.get(pod.metadata.uid);
  sandboxes.delete(pod.metadata.uid);
  if (sbs) await Promise.all([...sbs.values()].map((s) => stopSandbox(s)));
}

// ---- nodes: heartbeats through leases in kube-node-lease ----------------------------------

/** A node whose kubelet (kubelet-agent.mjs) stopped renewing its lease goes NotReady (Unknown), as the node controller does it. */
function checkNodeLeases(): void {
  for (const lease of store.list(LEASES, 'kube-node-lease')) {
    const node = store.get(NODES, undefined, lease.metadata.name);
    if (!node) continue;
    const renewed = Date.parse(lease.spec?.renewTime ?? lease.metadata.creationTimestamp);
    if (Date.now() - renewed <= NODE_GRACE_MS) continue;
    const conditions: Obj[] = node.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready');
    if (ready?.status === 'Unknown') continue;
    const t = now();
    const next = conditions.filter((c) => c.type !== 'Ready').concat([{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: ready?.lastHeartbeatTime ?? t, lastTransitionTime: t }]);
    const updated = store.update(NODES, undefined, node.metadata.name, { ...node, status: { ...node.status, conditions: next } });
    recordEvent(updated, 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
  }
}
if (!EXTERNAL) setInterval(checkNodeLeases, 500).unref();

/** Defaults a node gets on create: Ready unless its creator said otherwise. */
function defaultNode(n: Obj): void {
  n.spec ??= {};
  n.status ??= {};
  const t = now();
  n.status.conditions ??= [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t }];
  n.status.nodeInfo ??= { kubeletVersion: 'v1.32.0', kernelVersion: '', osImage: 'Debian', containerRuntimeVersion: 'sim://1', architecture: 'amd64', operatingSystem: 'linux' };
  n.status.addresses ??= [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: n.metadata.name }];
  n.status.capacity ??= { cpu: '2', memory: '4Gi', pods: '110' };
  n.status.allocatable ??= n.status.capacity;
}

// ---- HTTP ----------------------------------------------------------------------------------

function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(String(req.headers.accept ?? ''));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): Obj {
  try {
    return JSON.parse(text) as Obj;
  } catch {
    throw new ApiError(400, 'BadRequest', 'the body of the request was in an unknown format - accepted media types include: application/json');
  }
}

function authorized(req: IncomingMessage): boolean {
  return req.headers.authorization === `Bearer ${TOKEN}`;
}

function requireNamespace(t: Target): void {
  if (t.r.namespaced && t.namespace && !store.get(NAMESPACES, undefined, t.namespace)) throw new ApiError(404, 'NotFound', `namespaces "${t.namespace}" not found`, { name: t.namespace, kind: 'namespaces' });
}

function selected(t: Target, url: URL): Obj[] {
  let labels;
  let fields;
  try {
    labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
    fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? '');
  } catch (e) {
    throw new ApiError(400, 'BadRequest', (e as Error).message);
  }
  checkFieldSelector(t.r.plural, url.searchParams.get('fieldSelector') ?? '', `${apiVersionOf(t.r)}, Resource=${t.r.plural}`);
  return store.list(t.r, t.namespace).filter((o) => matches(o, labels, fields));
}

function listResponse(t: Target, all: Obj[], req: IncomingMessage, url: URL): Obj {
  const rv = String(store.rv);
  // limit/continue paging, as the apiserver serves `kubectl get --chunk-size` and client lists
  const { items, continue: next, remainingItemCount } = page(all, url.searchParams.get('limit'), url.searchParams.get('continue'), rv);
  const paging = next ? { continue: next, remainingItemCount } : {};
  if (wantsTable(req)) {
    const table = toTable(t.r, items, rv, url.searchParams.get('includeObject'));
    return { ...table, metadata: { ...table.metadata, ...paging } };
  }
  return { kind: `${t.r.kind}List`, apiVersion: apiVersionOf(t.r), metadata: { resourceVersion: rv, ...paging }, items };
}

function watch(t: Target, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
  const fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? '');
  checkFieldSelector(t.r.plural, url.searchParams.get('fieldSelector') ?? '', `${apiVersionOf(t.r)}, Resource=${t.r.plural}`);
  const table = wantsTable(req);
  const rvParam = url.searchParams.get('resourceVersion');
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders(); // clients wait for the headers before they treat the watch as open
  const write = (type: string, obj: Obj): void => {
    const object = table ? toTable(t.r, [obj], obj.metadata.resourceVersion, url.searchParams.get('includeObject')) : obj;
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const name = t.name;
  const keep = (o: Obj): boolean => (!name || o.metadata.name === name) && matches(o, labels, fields);
  let since: number | undefined;
  if (!rvParam || rvParam === '0') {
    for (const o of store.list(t.r, t.namespace)) if (keep(o)) write('ADDED', o);
  } else since = Number(rvParam);
  let stop: () => void = () => undefined;
  try {
    stop = store.watch({ r: t.r, namespace: t.namespace, send: (e: WatchEvent) => keep(e.obj) && write(e.type, e.obj) }, since);
  } catch (e) {
    const err = e as ApiError;
    res.end(`${JSON.stringify({ type: 'ERROR', object: status(err.code, err.reason, err.message) })}\n`);
    return;
  }
  const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 1800);
  const timer = setTimeout(() => res.end(), timeout * 1000);
  req.on('close', () => {
    clearTimeout(timer);
    stop();
  });
}

async function patched(req: IncomingMessage, cur: Obj, text: string): Promise<Obj> {
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

async function evict(t: Target, text: string): Promise<Obj> {
  const pod = store.get(PODS, t.namespace, t.name!);
  if (!pod) throw new ApiError(404, 'NotFound', `pods "${t.name}" not found`, { name: t.name, kind: 'pods' });
  const eviction = parseBody(text);
  checkEviction(eviction, t.name!);
  const refuse = Number(pod.metadata.annotations?.['sim.drover.dev/evict-429'] ?? 0);
  const done = evictionRefusals.get(pod.metadata.uid) ?? 0;
  if (done < refuse) {
    evictionRefusals.set(pod.metadata.uid, done + 1);
    throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget needs 1 healthy pods and has 1 currently' }] });
  }
  recordEvent(pod, 'Killing', 'Stopping container (evicted)');
  if (terminateGracefully(pod, eviction.deleteOptions?.gracePeriodSeconds)) return status(201, '', '', undefined);
  store.delete(PODS, t.namespace, t.name!);
  await deletePodSandbox(pod);
  return status(201, '', '', undefined);
}

/** pods/NAME/binding: what a scheduler POSTs to put a pending pod on a node (409 if already placed). */
function bind(t: Target, text: string): Obj {
  const pod = store.get(PODS, t.namespace, t.name!);
  if (!pod) throw new ApiError(404, 'NotFound', `pods "${t.name}" not found`, { name: t.name, kind: 'pods' });
  const binding = parseBody(text);
  const node = binding.target?.name;
  if (!node) throw new ApiError(422, 'Invalid', `Binding "${t.name}" is invalid: target.name: Required value`);
  if (pod.spec.nodeName) throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${t.name}": pod ${t.name} is already assigned to node "${pod.spec.nodeName}"`, { name: t.name, kind: 'pods/binding' });
  const conditions = (pod.status?.conditions ?? []).filter((c: Obj) => c.type !== 'PodScheduled').concat([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() }]);
  const annotations = { ...pod.metadata.annotations, ...binding.metadata?.annotations };
  store.update(PODS, t.namespace, t.name!, { ...pod, metadata: { ...pod.metadata, annotations }, spec: { ...pod.spec, nodeName: node }, status: { ...pod.status, conditions } });
  return status(201, '', '');
}

/**
 * --graceful-delete: a pod on a node is not removed at once: it gets deletionTimestamp and
 * deletionGracePeriodSeconds (Terminating), its containers get SIGTERM at once, and the pod
 * object goes at the end of the grace period (then SIGKILL for what is left). Grace 0 (or an
 * unbound pod) removes it at once. Answers undefined when the pod goes at once.
 */
function terminateGracefully(pod: Obj, grace: number | undefined): Obj | undefined {
  const seconds = grace ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  if (!GRACEFUL || !pod.spec?.nodeName || seconds <= 0) return undefined;
  if (pod.metadata.deletionTimestamp) return pod; // already Terminating: a second delete changes nothing
  const marked = store.update(PODS, pod.metadata.namespace, pod.metadata.name, { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z'), deletionGracePeriodSeconds: seconds } });
  const uid = pod.metadata.uid;
  for (const sb of sandboxes.get(uid)?.values() ?? []) {
    try {
      process.kill(sb.pid, 'SIGTERM'); // tini passes it to the container's processes
    } catch {
      /* gone */
    }
  }
  const finish = async (): Promise<void> => {
    const cur = store.get(PODS, pod.metadata.namespace, pod.metadata.name);
    if (!cur || cur.metadata.uid !== uid) return;
    store.delete(PODS, pod.metadata.namespace, pod.metadata.name);
    await deletePodSandbox(cur);
  };
  setTimeout(() => void finish(), seconds * 1000).unref();
  return marked;
}

/** gracePeriodSeconds from the query or a DeleteOptions body. */
function gracePeriod(url: URL, text: string): number | undefined {
  const q = url.searchParams.get('gracePeriodSeconds');
  if (q !== null) return Number(q);
  if (!text.trim()) return undefined;
  const b = parseBody(text);
  return typeof b.gracePeriodSeconds === 'number' ? b.gracePeriodSeconds : undefined;
}

async function removeObject(t: Target): Promise<Obj> {
  const gone = store.delete(t.r, t.namespace, t.name!);
  if (t.r === PODS) await deletePodSandbox(gone);
  if (t.r === NAMESPACES) {
    for (const r of RESOURCES.filter((x) => x.namespaced)) {
      for (const o of store.list(r, t.name)) {
        store.delete(r, t.name, o.metadata.name);
        if (r === PODS) await deletePodSandbox(o);
      }
    }
  }
  return gone;
}

/** The RBAC verb of a request. */
function verbOf(method: string, t: Target, url: URL): string {
  if (method === 'GET') return t.name ? 'get' : /^(true|1)$/.test(url.searchParams.get('watch') ?? '') ? 'watch' : 'list';
  return ({ POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: t.name ? 'delete' : 'deletecollection' } as Record<string, string>)[method] ?? method.toLowerCase();
}

async function handleResource(t: Target, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  checkForbidden(ROOT, verbOf(method, t, url), t.sub ? `${t.r.plural}/${t.sub}` : t.r.plural, t.namespace);
  if (t.sub === 'exec' || t.sub === 'attach') throw new ApiError(400, 'BadRequest', 'Upgrade request required');
  if (t.sub && !['status', 'eviction', 'binding'].includes(t.sub)) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${t.r.plural}/${t.sub})`);
  if (!t.name) {
    if (method === 'GET') {
      if (/^(true|1)$/.test(url.searchParams.get('watch') ?? '')) return watch(t, req, res, url);
      return send(res, 200, listResponse(t, selected(t, url), req, url));
    }
    if (method === 'POST') {
      requireNamespace(t);
      const input = parseBody(await body(req));
      if (input.kind && input.kind !== t.r.kind) throw new ApiError(400, 'BadRequest', `the API version in the data (${input.apiVersion}) does not match the expected API version (${apiVersionOf(t.r)}) or kind ${input.kind} is not ${t.r.kind}`);
      checkTypes(t.r.kind, input);
      normalizeQuantities(input);
      if (isLegacyReplicaSet(t.r)) prepareReplicaSet(input);
      if (t.r === PODS) {
        validatePod(input);
        input.spec = { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', ...input.spec };
        if (!EXTERNAL) schedule(input);
        input.status = { phase: 'Pending', conditions: !EXTERNAL || input.spec.nodeName ? [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now() }] : [] };
      }
      if (t.r === NODES) defaultNode(input);
      if (t.r === NAMESPACES) input.status = { phase: 'Active' };
      if (url.searchParams.get('dryRun')) return send(res, 201, input);
      const created = store.create(t.r, t.namespace, input);
      if (t.r === PODS && !EXTERNAL) void runPod(created);
      return send(res, 201, created);
    }
    if (method === 'DELETE') {
      const items = selected(t, url);
      for (const o of items) await removeObject({ ...t, namespace: o.metadata.namespace, name: o.metadata.name });
      return send(res, 200, { kind: `${t.r.kind}List`, apiVersion: apiVersionOf(t.r), metadata: {}, items });
    }
    throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on a collection`);
  }
  const cur = store.get(t.r, t.namespace, t.name);
  const notFound = (): ApiError => new ApiError(404, 'NotFound', `${t.r.plural} "${t.name}" not found`, { name: t.name, kind: t.r.plural });
  if (t.sub === 'eviction') {
    if (method !== 'POST' || t.r !== PODS) throw new ApiError(405, 'MethodNotAllowed', 'eviction takes POST on pods');
    return send(res, 201, await evict(t, await body(req)));
  }
  if (t.sub === 'binding') {
    if (method !== 'POST' || t.r !== PODS) throw new ApiError(405, 'MethodNotAllowed', 'binding takes POST on pods');
    return send(res, 201, bind(t, await body(req)));
  }
  const dryRun = Boolean(url.searchParams.get('dryRun'));
  switch (method) {
    case 'GET':
      if (!cur) throw notFound();
      return send(res, 200, wantsTable(req) ? toTable(t.r, [cur], cur.metadata.resourceVersion, url.searchParams.get('includeObject')) : cur);
    case 'PUT': {
      if (!cur) throw notFound();
      const next = parseBody(await body(req));
      const merged = t.sub === 'status' ? { ...cur, status: next.status } : { ...next, status: next.status ?? cur.status };
      if (isLegacyReplicaSet(t.r) && t.sub !== 'status') prepareReplicaSet(merged);
      checkTypes(t.r.kind, merged);
      normalizeQuantities(merged);
      if (dryRun) return send(res, 200, merged);
      return send(res, 200, store.update(t.r, t.namespace, t.name, merged, next.metadata?.resourceVersion));
    }
    case 'PATCH': {
      if (!cur) throw notFound();
      const next = await patched(req, cur, await body(req));
      const result = t.sub === 'status' ? { ...cur, status: next.status } : next;
      if (isLegacyReplicaSet(t.r) && t.sub !== 'status') prepareReplicaSet(result);
      checkTypes(t.r.kind, result);
      normalizeQuantities(result);
      // a patch that names a resourceVersion is a precondition, as on a real server
      const asked = result.metadata?.resourceVersion;
      if (asked && asked !== cur.metadata.resourceVersion) throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${t.r.plural} "${t.name}": the object has been modified; please apply your changes to the latest version and try again`, { name: t.name, kind: t.r.plural });
      if (dryRun) return send(res, 200, result);
      if (JSON.stringify(result) === JSON.stringify(cur)) return send(res, 200, cur); // no-op patches keep the resourceVersion
      return send(res, 200, store.update(t.r, t.namespace, t.name, result));
    }
    case 'DELETE': {
      if (!cur) throw notFound();
      const text = await body(req);
      if (dryRun) return send(res, 200, cur);
      const terminating = t.r === PODS ? terminateGracefully(cur, gracePeriod(url, text)) : undefined;
      if (terminating) return send(res, 200, terminating);
      return send(res, 200, await removeObject(t));
    }
    default:
      throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported`);
  }
}

const TRACE = process.env.DROVER_SIM_TRACE === '1';

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  requestCounts.total++;
  if (TRACE) process.stdout.write(`${req.method} ${req.url} accept=${req.headers.accept ?? ''}\n`);
  const url = new URL(req.url ?? '/', 'https://sim');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (['/healthz', '/readyz', '/livez'].includes(path)) {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return void res.end('ok');
  }
  if (!authorized(req)) return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
  if (path === '/version') return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-drover-sim', gitCommit: '', gitTreeState: 'clean', buildDate: '2026-11-24T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' });
  if (path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `${HOST}:${port}` }] });
  if (path === '/apis') return send(res, 200, groupList());
  if (path === '/api/v1') return send(res, 200, resourceList('', 'v1'));
  const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (gv) {
    const list = resourceList(gv[1]!, gv[2]!);
    if (!list.resources.length) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return send(res, 200, list);
  }
  const t = route(path);
  if (!t) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  return handleResource(t, req, res, url);
}

// ---- pod exec over WebSocket ---------------------------------------------------------------

const ALL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io', 'v5.base64.channel.k8s.io', 'v4.base64.channel.k8s.io', 'base64.channel.k8s.io'];
// --exec-protocols LIST: serve only these (e.g. `v4.channel.k8s.io` as 1.5-1.29 clusters do, or `channel.k8s.io`)
const PROTOCOLS = opts['exec-protocols'] ? opts['exec-protocols'].split(',').map((p) => p.trim()).filter(Boolean) : ALL_PROTOCOLS;

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  // the first protocol the client lists that we speak, as the apiserver picks it
  handleProtocols: (offered) => [...offered].find((p) => PROTOCOLS.includes(p)) ?? false,
});

function rejectUpgrade(socket: Duplex, code: number, s: Obj): void {
  const text = JSON.stringify(s);
  socket.end(`HTTP/1.1 ${code} ${code === 404 ? 'Not Found' : code === 401 ? 'Unauthorized' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

function exitStatus(rc: number, argv: string[]): Obj {
  if (rc === 0) return { metadata: {}, status: 'Success' };
  return { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${rc}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(rc) }] } };
}

function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  requestCounts.total++;
  if (stalled()) return;
  const url = new URL(req.url ?? '/', 'https://sim');
  const t = route(url.pathname);
  if (!authorized(req)) return rejectUpgrade(socket, 401, status(401, 'Unauthorized', 'Unauthorized'));
  if (!t || t.r !== PODS || t.sub !== 'exec' || !t.name) return rejectUpgrade(socket, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  const pod = store.get(PODS, t.namespace, t.name);
  if (!pod) return rejectUpgrade(socket, 404, status(404, 'NotFound', `pods "${t.name}" not found`, { name: t.name, kind: 'pods' }));
  const sbs = sandboxes.get(pod.metadata.uid);
  if (!sbs) return rejectUpgrade(socket, 400, status(400, 'BadRequest', `pod ${t.name} is not running (phase ${pod.status?.phase})`));
  const names: string[] = pod.spec.containers.map((c: Obj) => c.name);
  const container = url.searchParams.get('container') || (names.length === 1 ? names[0] : undefined);
  if (!container) return rejectUpgrade(socket, 400, status(400, 'BadRequest', `a container name must be specified for pod ${t.name}, choose one of: [${names.join(' ')}]`));
  if (!names.includes(container)) return rejectUpgrade(socket, 400, status(400, 'BadRequest', `container ${container} is not valid for pod ${t.name}`));
  const argv = url.searchParams.getAll('command');
  if (!argv.length) return rejectUpgrade(socket, 400, status(400, 'BadRequest', 'you must specify at least 1 command'));
  const flag = (k: string): boolean => /^(true|1)$/.test(url.searchParams.get(k) ?? '');
  const io = { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
  if (!io.stdin && !io.stdout && !io.stderr) return rejectUpgrade(socket, 400, status(400, 'BadRequest', 'you must specify at least one of stdin, stdout, stderr'));
  requestCounts.exec++;
  const sb = sbs.get(container)!;
  wss.handleUpgrade(req, socket, head, (ws) => runExec(ws, sb, pod.metadata.name, argv, io));
}

function runExec(ws: WebSocket, sb: Sandbox, hostname: string, argv: string[], io: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): void {
  const proto = ws.protocol || 'channel.k8s.io';
  const b64 = proto.includes('base64');
  const v = /^v(\d)/.exec(proto)?.[1] ?? '1';
  const frame = (ch: number, data: Buffer): string | Buffer => (b64 ? `${ch}${data.toString('base64')}` : Buffer.concat([Buffer.from([ch]), data]));
  const out = (ch: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(frame(ch, data));
  };
  // the apiserver's first frame: empty, on the lowest channel the server writes
  out(io.stdout ? 1 : io.stderr ? 2 : 3, Buffer.alloc(0));
  const child = spawn(execArgv(sb, argv)[0]!, execArgv(sb, argv).slice(1), { env: containerEnv(hostname), stdio: [io.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => io.stdout && out(1, d));
  child.stderr!.on('data', (d: Buffer) => (io.tty ? io.stdout && out(1, d) : io.stderr && out(2, d)));
  child.stdin?.on('error', () => undefined); // the command may exit without reading its stdin
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    let ch: number;
    let payload: Buffer;
    if (!isBinary || b64) {
      const s = data.toString('utf8');
      ch = s.charCodeAt(0) === 255 ? 255 : Number(s[0]);
      payload = ch === 255 ? Buffer.from(s.slice(1), 'latin1') : Buffer.from(s.slice(1), 'base64');
    } else {
      ch = data[0]!;
      payload = data.subarray(1);
    }
    if (ch === 0 && child.stdin && !child.stdin.writableEnded) child.stdin.write(payload);
    else if (ch === 255 && Number(v) >= 5 && payload[0] === 0) child.stdin?.end(); // v5: the client closed stdin
  });
  // Without v5 there is no way to say "stdin is done" but closing the socket (kubernetes #89899).
  ws.on('close', () => child.stdin?.end());
  child.on('error', (err) => {
    out(3, Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', message: err.message, reason: 'InternalError' })));
    ws.close(1000);
  });
  child.on('close', (code, signal) => {
    const rc = code ?? 128 + (signal ? (({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 }) as Record<string, number>)[signal] ?? 1 : 1);
    if (Number(v) >= 4) out(3, Buffer.from(JSON.stringify(exitStatus(rc, argv))));
    else if (rc !== 0) out(3, Buffer.from(`command terminated with non-zero exit code: exit code ${rc}`));
    ws.close(1000);
  });
}

// ---- start and stop ------------------------------------------------------------------------

// the `stall` switch: while ROOT/stall exists, connections are accepted and never answered
const stalled = (): boolean => existsSync(join(ROOT, 'stall'));

const server = createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
  if (stalled()) return;
  handle(req, res).catch((err: unknown) => {
    if (err instanceof ApiError) return send(res, err.code, status(err.code, err.reason, err.message, err.details));
    process.stderr.write(`sim: ${(err as Error).stack ?? err}\n`);
    if (!res.headersSent) send(res, 500, status(500, 'InternalError', String((err as Error).message)));
    else res.end();
  });
});
server.on('upgrade', onUpgrade);
server.keepAliveTimeout = 60_000;

let port = 0;
server.listen(Number(opts.port), HOST, () => {
  port = (server.address() as { port: number }).port;
  const url = `https://${HOST}:${port}`;
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: sim',
    '  cluster:',
    `    server: ${url}`,
    `    certificate-authority-data: ${Buffer.from(readFileSync(pki.caFile)).toString('base64')}`,
    'users:',
    '- name: sim-admin',
    '  user:',
    `    token: ${TOKEN}`,
    'contexts:',
    '- name: sim',
    '  context:',
    '    cluster: sim',
    '    user: sim-admin',
    '    namespace: default',
    'current-context: sim',
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'kubeconfig'), kubeconfig, { mode: 0o600 });
  writeFileSync(join(ROOT, 'ready.json.tmp'), JSON.stringify({ url, port, pid: process.pid, token: TOKEN, caFile: pki.caFile }));
  renameSync(join(ROOT, 'ready.json.tmp'), join(ROOT, 'ready.json'));
});

async function shutdown(): Promise<void> {
  server.close();
  wss.close();
  await Promise.allSettled([...sandboxes.values()].flatMap((m) => [...m.values()]).map((s) => stopSandbox(s)));
  writeFileSync(join(ROOT, 'stats.json'), JSON.stringify(requestCounts));
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
