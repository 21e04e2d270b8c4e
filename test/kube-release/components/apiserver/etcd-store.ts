// The apiserver's object store in real etcd: the simulator Store's operations made async,
// each one an etcd call. resourceVersion is the key's mod_revision; create is a txn on
// "key absent", update and delete are compare-and-swap txns on the mod_revision read (a
// stale resourceVersion from the client answers 409 Conflict); watches are etcd watches on
// the type's key prefix, so every apiserver on the same etcd sees every other's writes.
import { randomUUID } from 'node:crypto';
import { ApiError, type EventType } from '../../../k8s-sim/store.js';
import { apiVersionOf, type ResourceType } from '../../../k8s-sim/resources.js';
import { EtcdClient, EtcdError, txnOps, type Kv, type KvEvent } from './etcd-client.js';
import { decodeObject, DecodeError, encodeObject, type MediaType } from './storage-codec.js';
import { keyBelongs, listPrefix, objectKey } from './registry-keys.js';

type Obj = Record<string, any>;

/** What the store needs to know about this apiserver. */
export interface EtcdStoreOptions {
  prefix: string;
  media: MediaType;
  canReadProtobuf: boolean;
  logError: (msg: string) => void;
}

/** One watch event for the API layer; an ERROR carries a Status instead of an object. */
export interface StoreEvent {
  type: EventType | 'ERROR';
  obj: Obj;
}

const conflict = (r: ResourceType, name: string): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${r.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, kind: r.plural });
const notFound = (r: ResourceType, name: string): ApiError => new ApiError(404, 'NotFound', `${r.plural} "${name}" not found`, { name, kind: r.plural });
const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** Objects of every type, stored in etcd under the real registry keys. */
export class EtcdStore {
  constructor(
    readonly etcd: EtcdClient,
    private readonly opts: EtcdStoreOptions,
  ) {}

  private decode(kv: Kv): Obj {
    try {
      const obj = decodeObject(kv.value, kv.key, this.opts.canReadProtobuf);
      obj.metadata = { ...obj.metadata, resourceVersion: String(kv.modRevision) };
      return obj;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.opts.logError(e.message);
      throw new ApiError(500, 'InternalError', `Internal error occurred: ${e.message}`);
    }
  }

  private async read(r: ResourceType, ns: string | undefined, name: string): Promise<{ kv: Kv; obj: Obj } | undefined> {
    const { kvs } = await this.etcd.range(objectKey(this.opts.prefix, r, ns, name));
    const kv = kvs[0];
    return kv ? { kv, obj: this.decode(kv) } : undefined;
  }

  /** One object, or undefined; a value this version cannot decode is a 500. */
  async get(r: ResourceType, ns: string | undefined, name: string): Promise<Obj | undefined> {
    return (await this.read(r, r.namespaced ? ns : undefined, name))?.obj;
  }

  /** Objects of a type (one namespace or all) in key order, with the revision read at. */
  async list(r: ResourceType, ns?: string): Promise<{ items: Obj[]; rv: string }> {
    const { kvs, revision } = await this.etcd.range(listPrefix(this.opts.prefix, r, ns), { prefix: true });
    const items = kvs.filter((kv) => keyBelongs(this.opts.prefix, r, kv.key)).map((kv) => this.decode(kv));
    return { items, rv: String(revision) };
  }

  /** Store a new object: uid, timestamps, name from generateName; 409 if the key exists. */
  async create(r: ResourceType, ns: string | undefined, input: Obj): Promise<Obj> {
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
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = stamp();
    obj.metadata.generation = 1;
    const key = objectKey(this.opts.prefix, r, obj.metadata.namespace, obj.metadata.name);
    const res = await this.etcd.txn([txnOps.absent(key)], [txnOps.put(key, encodeObject(obj, this.opts.media))]);
    if (!res.succeeded) throw new ApiError(409, 'AlreadyExists', `${r.plural} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, kind: r.plural });
    obj.metadata.resourceVersion = String(res.revision);
    return obj;
  }

  /**
   * Read-modify-write until the compare-and-swap holds (the real GuaranteedUpdate). mutate
   * gets the current object; expectRv (the client's resourceVersion) that differs from the
   * stored one is a 409, as is losing a race while the client pinned a resourceVersion.
   */
  async guaranteedUpdate(r: ResourceType, ns: string | undefined, name: string, mutate: (cur: Obj) => Obj | Promise<Obj>, expectRv?: string): Promise<Obj> {
    for (;;) {
      const cur = await this.read(r, r.namespaced ? ns : undefined, name);
      if (!cur) throw notFound(r, name);
      if (expectRv && expectRv !== cur.obj.metadata.resourceVersion) throw conflict(r, name);
      const next = structuredClone(await mutate(structuredClone(cur.obj)));
      next.apiVersion = apiVersionOf(r);
      next.kind = r.kind;
      next.metadata = { ...next.metadata, name, uid: cur.obj.metadata.uid, creationTimestamp: cur.obj.metadata.creationTimestamp, generation: cur.obj.metadata.generation ?? 1 };
      if (r.namespaced) next.metadata.namespace = cur.obj.metadata.namespace;
      if (JSON.stringify(next.spec) !== JSON.stringify(cur.obj.spec)) next.metadata.generation += 1;
      const same = JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: '' } }) === JSON.stringify({ ...cur.obj, metadata: { ...cur.obj.metadata, resourceVersion: '' } });
      if (same) return cur.obj; // a no-op update keeps the resourceVersion, as the real one does
      const key = cur.kv.key;
      const res = await this.etcd.txn([txnOps.modEquals(key, cur.kv.modRevision)], [txnOps.put(key, encodeObject(next, this.opts.media))]);
      if (res.succeeded) {
        next.metadata.resourceVersion = String(res.revision);
        return next;
      }
      if (expectRv) throw conflict(r, name);
    }
  }

  /** Replace an object; 404 if absent, 409 on a stale resourceVersion. */
  update(r: ResourceType, ns: string | undefined, name: string, next: Obj, expectRv?: string): Promise<Obj> {
    return this.guaranteedUpdate(r, ns, name, () => next, expectRv);
  }

  /** Remove an object (compare-and-delete on what was read); returns it with the deletion's revision. */
  async delete(r: ResourceType, ns: string | undefined, name: string, expectRv?: string): Promise<Obj> {
    for (;;) {
      const cur = await this.read(r, r.namespaced ? ns : undefined, name);
      if (!cur) throw notFound(r, name);
      if (expectRv && expectRv !== cur.obj.metadata.resourceVersion) throw conflict(r, name);
      const res = await this.etcd.txn([txnOps.modEquals(cur.kv.key, cur.kv.modRevision)], [txnOps.del(cur.kv.key)]);
      if (res.succeeded) return { ...cur.obj, metadata: { ...cur.obj.metadata, resourceVersion: String(res.revision) } };
      if (expectRv) throw conflict(r, name);
    }
  }

  /**
   * Follow a type's changes after revision sinceRv through an etcd watch. send gets each
   * event; a value this version cannot decode becomes an ERROR event; onEnd fires when the
   * etcd stream ends (410 Expired when sinceRv was compacted). Returns a cancel function.
   */
  watch(r: ResourceType, ns: string | undefined, sinceRv: number, send: (e: StoreEvent) => void, onEnd: (err?: ApiError) => void): () => void {
    const eventOf = (e: KvEvent): StoreEvent => {
      try {
        if (e.type === 'DELETE') {
          const gone = e.prev ? this.decode(e.prev) : { metadata: {} };
          return { type: 'DELETED', obj: { ...gone, metadata: { ...gone.metadata, resourceVersion: String(e.kv.modRevision) } } };
        }
        return { type: e.kv.createRevision === e.kv.modRevision ? 'ADDED' : 'MODIFIED', obj: this.decode(e.kv) };
      } catch (err) {
        const a = err as ApiError;
        return { type: 'ERROR', obj: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: a.message, reason: a.reason, code: a.code } };
      }
    };
    return this.etcd.watch(
      listPrefix(this.opts.prefix, r, r.namespaced ? ns : undefined),
      sinceRv + 1,
      (events) => {
        for (const e of events) if (keyBelongs(this.opts.prefix, r, e.kv.key)) send(eventOf(e));
      },
      (err) => onEnd(err instanceof EtcdError && err.code === 410 ? new ApiError(410, 'Expired', `too old resource version: ${sinceRv} (${err.message})`) : err ? new ApiError(500, 'InternalError', err.message) : undefined),
    );
  }
}
