// A small etcd v3 client over etcd's JSON gRPC gateway (/v3/kv/range, /v3/kv/txn,
// /v3/watch on etcd 3.4) with client-certificate TLS, trying each --etcd-servers URL in turn.
// Keys and values travel base64-encoded; revisions are decimal strings (proto3 JSON).
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';

/** One key-value as etcd returns it, decoded. */
export interface Kv {
  key: string;
  value: Buffer;
  createRevision: number;
  modRevision: number;
}

/** One watch event, decoded; prev is set when the watch asked for prev_kv. */
export interface KvEvent {
  type: 'PUT' | 'DELETE';
  kv: Kv;
  prev?: Kv;
}

/** TLS material and endpoints for the etcd client (what --etcd-* flags name). */
export interface EtcdTls {
  endpoints: string[];
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** An etcd error that is not about connectivity (e.g. compacted revision). */
export class EtcdError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

/** The key just after every key that starts with prefix (etcd's range_end for a prefix). */
export function prefixEnd(prefix: string): string {
  const buf = Buffer.from(prefix);
  buf[buf.length - 1]! += 1;
  return buf.toString('latin1');
}

function decodeKv(raw: any): Kv {
  return {
    key: Buffer.from(raw.key ?? '', 'base64').toString('utf8'),
    value: Buffer.from(raw.value ?? '', 'base64'),
    createRevision: Number(raw.create_revision ?? 0),
    modRevision: Number(raw.mod_revision ?? 0),
  };
}

/** Compare clauses and operations of a txn, in the gateway's JSON shape. */
export const txnOps = {
  modEquals: (key: string, rev: number): object => ({ key: b64(key), target: 'MOD', result: 'EQUAL', mod_revision: String(rev) }),
  absent: (key: string): object => ({ key: b64(key), target: 'CREATE', result: 'EQUAL', create_revision: '0' }),
  put: (key: string, value: Buffer): object => ({ request_put: { key: b64(key), value: b64(value) } }),
  del: (key: string): object => ({ request_delete_range: { key: b64(key) } }),
  get: (key: string): object => ({ request_range: { key: b64(key) } }),
};

/** Etcd client: every call tries the endpoints in order and sticks to the first that answers. */
export class EtcdClient {
  private readonly agent: Agent;
  private current = 0;

  constructor(private readonly tls: EtcdTls) {
    if (!tls.endpoints.length) throw new Error('no etcd endpoints');
    this.agent = new Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
  }

  private open(path: string, body: object, onResponse: (res: IncomingMessage) => void, onError: (e: Error) => void, stream = false): () => void {
    const url = new URL(path, this.tls.endpoints[this.current]!);
    const text = JSON.stringify(body);
    const req = request(url, { method: 'POST', agent: stream ? new Agent({ ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key }) : this.agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }, timeout: stream ? 0 : 10_000 }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`etcd ${url.host}: request timed out`)));
    req.on('error', onError);
    req.end(text);
    return () => req.destroy();
  }

  /** POST a gateway call, failing over to the next endpoint on a connection error. */
  async call(path: string, body: object): Promise<any> {
    let lastErr: Error | undefined;
    for (let tried = 0; tried < this.tls.endpoints.length; tried++) {
      try {
        return await new Promise((resolve, reject) => {
          this.open(
            path,
            body,
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('error', reject);
              res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                let parsed: any;
                try {
                  parsed = JSON.parse(text);
                } catch {
                  return reject(new EtcdError(`etcd answered ${res.statusCode}: ${text.slice(0, 200)}`, res.statusCode));
                }
                if (res.statusCode !== 200) return reject(new EtcdError(`etcd: ${parsed.error ?? parsed.message ?? text}`, res.statusCode));
                resolve(parsed);
              });
            },
            reject,
          );
        });
      } catch (e) {
        if (e instanceof EtcdError && e.code !== 503) throw e;
        lastErr = e as Error;
        this.current = (this.current + 1) % this.tls.endpoints.length;
      }
    }
    throw new Error(`etcd unreachable (${this.tls.endpoints.join(',')}): ${lastErr?.message}`);
  }

  /** Keys from `key` (one key) or a prefix, sorted by key; with the store revision. */
  async range(key: string, opts: { prefix?: boolean } = {}): Promise<{ kvs: Kv[]; revision: number }> {
    const body: Record<string, unknown> = { key: b64(key) };
    if (opts.prefix) body.range_end = b64(prefixEnd(key));
    const r = await this.call('/v3/kv/range', body);
    return { kvs: (r.kvs ?? []).map(decodeKv), revision: Number(r.header?.revision ?? 0) };
  }

  /** A transaction; succeeded says whether every compare held, responses are the branch's results. */
  async txn(compare: object[], success: object[], failure: object[] = []): Promise<{ succeeded: boolean; revision: number; responses: any[] }> {
    const r = await this.call('/v3/kv/txn', { compare, success, failure });
    return { succeeded: r.succeeded === true, revision: Number(r.header?.revision ?? 0), responses: r.responses ?? [] };
  }

  /** Current store revision (a cheap range on an unlikely key). */
  async revision(): Promise<number> {
    return (await this.range('\0')).revision;
  }

  /**
   * Watch a prefix from a revision; events arrive in order. onEnd gets an error when the
   * stream fails or the revision was compacted (EtcdError code 410). Returns a cancel function.
   */
  watch(prefix: string, startRevision: number, onEvents: (events: KvEvent[]) => void, onEnd: (err?: Error) => void): () => void {
    let ended = false;
    const end = (err?: Error): void => {
      if (ended) return;
      ended = true;
      onEnd(err);
    };
    const body = { create_request: { key: b64(prefix), range_end: b64(prefixEnd(prefix)), start_revision: String(startRevision), prev_kv: true } };
    const cancel = this.open(
      '/v3/watch',
      body,
      (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            const msg = JSON.parse(line);
            const r = msg.result ?? {};
            if (msg.error) return end(new EtcdError(`etcd watch: ${msg.error.message ?? JSON.stringify(msg.error)}`));
            if (Number(r.compact_revision ?? 0) > 0) return end(new EtcdError(`required revision ${startRevision} has been compacted (oldest ${r.compact_revision})`, 410));
            if (r.canceled) return end(new EtcdError(`etcd watch canceled: ${r.cancel_reason ?? ''}`));
            if (r.events?.length) onEvents(r.events.map((e: any) => ({ type: e.type === 'DELETE' ? 'DELETE' : 'PUT', kv: decodeKv(e.kv), ...(e.prev_kv ? { prev: decodeKv(e.prev_kv) } : {}) })));
          }
        });
        res.on('end', () => end(new Error('etcd watch stream ended')));
        res.on('error', (e) => end(e));
      },
      (e) => {
        this.current = (this.current + 1) % this.tls.endpoints.length;
        end(e);
      },
      true,
    );
    return () => {
      ended = true;
      cancel();
    };
  }

  /** Close pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}
