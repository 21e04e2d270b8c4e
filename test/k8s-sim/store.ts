// The simulator's object store: every object by (type, namespace, name), one resourceVersion
// counter for the whole store (as etcd's revision), and watchers fed from a bounded history.
import { randomUUID } from 'node:crypto';
import { apiVersionOf, type ResourceType } from './resources.js';

type Obj = Record<string, any>;

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  rv: number;
  type: EventType;
  r: ResourceType;
  obj: Obj;
}

export interface Watcher {
  r: ResourceType;
  namespace?: string;
  send(e: WatchEvent): void;
}

/** Thrown for API errors; the server renders it as a metav1.Status. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Obj,
  ) {
    super(message);
  }
}

const keyOf = (r: ResourceType, ns: string | undefined, name: string): string => `${r.group}/${r.plural}/${ns ?? ''}/${name}`;

export class Store {
  private readonly objects = new Map<string, Obj>();
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  rv = 1;

  get(r: ResourceType, ns: string | undefined, name: string): Obj | undefined {
    return this.objects.get(keyOf(r, r.namespaced ? ns : undefined, name));
  }

  /** Objects of a type, in one namespace or all, sorted by namespace then name (as etcd keys are). */
  list(r: ResourceType, ns?: string): Obj[] {
    const prefix = `${r.group}/${r.plural}/${r.namespaced && ns ? ns : ''}`;
    const out: Obj[] = [];
    for (const [k, v] of this.objects) if (k.startsWith(`${r.group}/${r.plural}/`) && (!r.namespaced || !ns || k.startsWith(`${prefix}/`))) out.push(v);
    return out.sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
  }

  private emit(type: EventType, r: ResourceType, obj: Obj): void {
    const e: WatchEvent = { rv: this.rv, type, r, obj };
    this.history.push(e);
    if (this.history.length > 20_000) this.history.splice(0, 5_000);
    for (const w of this.watchers) if (w.r === r && (!w.namespace || w.namespace === obj.metadata.namespace)) w.send(e);
  }

  /** Store a new object: fills uid, timestamps, resourceVersion; 409 if the name is taken. */
  create(r: ResourceType, ns: string | undefined, input: Obj): Obj {
    const obj = structuredClone(input);
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    obj.metadata ??= {};
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${randomUUID().slice(0, 5)}`;
    if (!obj.metadata.name) throw new ApiError(422, 'Invalid', `${r.kind} is invalid: metadata.name: Required value: name or generateName is required`);
    if (r.namespaced) {
      if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) throw new ApiError(400, 'BadRequest', `the namespace of the provided object (${obj.metadata.namespace}) does not match the namespace sent on the request (${ns})`);
      obj.metadata.namespace = ns ?? obj.metadata.namespace ?? 'default';
    } else delete obj.metadata.namespace;
    const key = keyOf(r, obj.metadata.namespace, obj.metadata.name);
    if (this.objects.has(key)) throw new ApiError(409, 'AlreadyExists', `${r.plural} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, kind: r.plural });
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    obj.metadata.resourceVersion = String(++this.rv);
    obj.metadata.generation = 1;
    this.objects.set(key, obj);
    this.emit('ADDED', r, obj);
    return obj;
  }

  /** Replace an object (a new resourceVersion); 404 if absent, 409 on a stale resourceVersion. */
  update(r: ResourceType, ns: string | undefined, name: string, next: Obj, expectRv?: string): Obj {
    const cur = this.get(r, ns, name);
    if (!cur) throw new ApiError(404, 'NotFound', `${r.plural} "${name}" not found`, { name, kind: r.plural });
    if (expectRv && expectRv !== cur.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${r.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, kind: r.plural });
    }
    const obj = structuredClone(next);
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    obj.metadata = { ...obj.metadata, name, uid: cur.metadata.uid, creationTimestamp: cur.metadata.creationTimestamp, resourceVersion: String(++this.rv) };
    if (r.namespaced) obj.metadata.namespace = cur.metadata.namespace;
    if (JSON.stringify(obj.spec) !== JSON.stringify(cur.spec)) obj.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    this.objects.set(keyOf(r, cur.metadata.namespace, name), obj);
    this.emit('MODIFIED', r, obj);
    return obj;
  }

  /** Remove an object; 404 if absent. Returns what was removed. */
  delete(r: ResourceType, ns: string | undefined, name: string): Obj {
    const cur = this.get(r, ns, name);
    if (!cur) throw new ApiError(404, 'NotFound', `${r.plural} "${name}" not found`, { name, kind: r.plural });
    this.objects.delete(keyOf(r, cur.metadata.namespace, name));
    this.rv++;
    const gone = { ...cur, metadata: { ...cur.metadata, resourceVersion: String(this.rv) } };
    this.emit('DELETED', r, gone);
    return gone;
  }

  /** Watch a type: replays history after `sinceRv` (or nothing when undefined), then follows. */
  watch(w: Watcher, sinceRv?: number): () => void {
    if (sinceRv !== undefined) {
      const oldest = this.history[0]?.rv ?? this.rv;
      if (sinceRv < oldest - 1) throw new ApiError(410, 'Expired', `too old resource version: ${sinceRv} (${oldest})`);
      for (const e of this.history) if (e.rv > sinceRv && e.r === w.r && (!w.namespace || w.namespace === e.obj.metadata.namespace)) w.send(e);
    }
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
}
