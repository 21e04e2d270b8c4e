// A tiny Kubernetes API client for the stand-in components: JSON over HTTPS (client
// certificate, CA, bearer token from a kubeconfig) or plain HTTP (`--master http://...`).
// Every request has a timeout; a non-2xx answer rejects with ApiError carrying the status.
import http from 'node:http';
import https from 'node:https';
import type { ParsedFlags } from './flags.js';
import { readKubeconfig, type ResolvedKubeconfig } from './kubeconfig.js';

/** Where and how to reach an apiserver. */
export interface ApiClientOptions {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  /** Per-request timeout (default 10 s); watches use it only until the headers arrive. */
  timeoutMs?: number;
  userAgent?: string;
}

/** A failed API call: HTTP status (0 for transport errors/timeouts) and the Status body's reason. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Same as status (callers used to `.code`). */
  get code(): number {
    return this.status;
  }
}

/** Per-call options. */
export interface CallOptions {
  timeoutMs?: number;
}

/** One watch event as the API streams it (JSON lines). */
export interface WatchEvent<T = any> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR' | 'BOOKMARK';
  object: T;
}

/** A running watch: stop() ends it; done settles when the stream ends (resolve) or fails (reject). */
export interface WatchHandle {
  stop(): void;
  done: Promise<void>;
}

/** Query parameters for list/watch. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  timeoutSeconds?: number;
}

function withQuery(path: string, q: Record<string, string | number | undefined>): string {
  const params = Object.entries(q).filter(([, v]) => v !== undefined && v !== '');
  if (params.length === 0) return path;
  const qs = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

/** JSON client for one apiserver. */
export class ApiClient {
  private readonly url: URL;
  private readonly agent: http.Agent;
  readonly timeoutMs: number;

  constructor(readonly options: ApiClientOptions) {
    this.url = new URL(options.server);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.agent =
      this.url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: !options.insecureSkipTlsVerify })
        : new http.Agent({ keepAlive: true });
  }

  /** A client from a resolved kubeconfig, optionally with `--master` overriding its server (clientcmd rule). */
  static fromKubeconfig(kc: ResolvedKubeconfig, extra: Partial<ApiClientOptions> = {}): ApiClient {
    return new ApiClient({ server: kc.server, ca: kc.ca, cert: kc.cert, key: kc.key, token: kc.token, insecureSkipTlsVerify: kc.insecureSkipTlsVerify, ...extra });
  }

  /** From `--kubeconfig`/`--master` as controller-manager, scheduler and kube-proxy take them; undefined with neither. */
  static fromFlags(flags: ParsedFlags, extra: Partial<ApiClientOptions> = {}): ApiClient | undefined {
    const master = flags.has('master') ? flags.string('master') : '';
    const kcPath = flags.has('kubeconfig') ? flags.string('kubeconfig') : '';
    if (kcPath) {
      const kc = readKubeconfig(kcPath);
      return ApiClient.fromKubeconfig(kc, { ...(master ? { server: master } : {}), ...extra });
    }
    if (master) return new ApiClient({ server: master.includes('://') ? master : `http://${master}`, ...extra });
    return undefined;
  }

  /** The server URL this client talks to. */
  get server(): string {
    return this.url.origin;
  }

  private open(method: string, path: string, headers: Record<string, string>, timeoutMs: number, onResponse: (res: http.IncomingMessage) => void, onError: (e: ApiError) => void): http.ClientRequest {
    const mod = this.url.protocol === 'https:' ? https : http;
    const req = mod.request(
      {
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        port: this.url.port || (this.url.protocol === 'https:' ? 443 : 80),
        path: `${this.url.pathname.replace(/\/$/, '')}${path}`,
        method,
        agent: this.agent,
        headers: {
          accept: 'application/json',
          'user-agent': this.options.userAgent ?? 'kube-release-standin',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          ...headers,
        },
      },
      onResponse,
    );
    req.setTimeout(timeoutMs, () => req.destroy(new ApiError(`${method} ${path}: timed out after ${timeoutMs} ms`, 0, 'Timeout')));
    req.on('error', (e) => onError(e instanceof ApiError ? e : new ApiError(`${method} ${path}: ${e.message}`, 0, (e as NodeJS.ErrnoException).code)));
    return req;
  }

  /** One request; resolves with the parsed JSON body (or text) on 2xx, rejects with ApiError otherwise. */
  request<T = any>(method: string, path: string, body?: unknown, { contentType = 'application/json', timeoutMs = this.timeoutMs } = {}): Promise<T> {
    return new Promise<T>((resolvePromise, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const headers: Record<string, string> = payload ? { 'content-type': contentType, 'content-length': String(payload.length) } : {};
      const req = this.open(
        method,
        path,
        headers,
        timeoutMs,
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(new ApiError(`${method} ${path}: ${e.message}`, 0)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: any = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* not JSON: keep the text */
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolvePromise(parsed as T);
            else reject(new ApiError(`${method} ${path}: ${status} ${typeof parsed === 'object' && parsed?.message ? parsed.message : text.slice(0, 200)}`, status, parsed?.reason, parsed));
          });
        },
        reject,
      );
      req.end(payload);
    });
  }

  /** GET one object (or any JSON path such as /version, /healthz). */
  get<T = any>(path: string, opts: CallOptions = {}): Promise<T> {
    return this.request<T>('GET', path, undefined, opts);
  }

  /** GET a collection with selectors. */
  list<T = any>(path: string, opts: ListOptions = {}, call: CallOptions = {}): Promise<T> {
    return this.request<T>('GET', withQuery(path, { ...opts }), undefined, call);
  }

  /** POST an object to its collection path. */
  create<T = any>(collectionPath: string, obj: unknown, opts: CallOptions = {}): Promise<T> {
    return this.request<T>('POST', collectionPath, obj, opts);
  }

  /** POST to any path (e.g. pods/NAME/binding). */
  post<T = any>(path: string, body: unknown, opts: CallOptions = {}): Promise<T> {
    return this.request<T>('POST', path, body, opts);
  }

  /** PUT a whole object (optimistic concurrency through metadata.resourceVersion). */
  update<T = any>(path: string, obj: unknown, opts: CallOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, obj, opts);
  }

  /** PATCH with application/merge-patch+json. */
  mergePatch<T = any>(path: string, patch: unknown, opts: CallOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, patch, { contentType: 'application/merge-patch+json', ...opts });
  }

  /** PATCH with application/strategic-merge-patch+json. */
  strategicPatch<T = any>(path: string, patch: unknown, opts: CallOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, patch, { contentType: 'application/strategic-merge-patch+json', ...opts });
  }

  /** DELETE an object, optionally with a grace period. */
  delete<T = any>(path: string, { gracePeriodSeconds, timeoutMs }: { gracePeriodSeconds?: number; timeoutMs?: number } = {}): Promise<T> {
    return this.request<T>('DELETE', withQuery(path, { gracePeriodSeconds }), undefined, { timeoutMs });
  }

  /** Watch a collection (`?watch=true`), calling onEvent per JSON line until stop() or the server ends it. */
  watch<T = any>(path: string, opts: ListOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    let req: http.ClientRequest | undefined;
    let stopped = false;
    const done = new Promise<void>((resolvePromise, reject) => {
      req = this.open(
        'GET',
        withQuery(path, { watch: 'true', ...opts }),
        {},
        this.timeoutMs,
        (res) => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString('utf8')));
            res.on('end', () => reject(new ApiError(`watch ${path}: ${status} ${text.slice(0, 200)}`, status)));
            return;
          }
          req!.setTimeout(0); // the stream may be quiet for long: only the connect had a deadline
          let buf = '';
          res.on('data', (c: Buffer) => {
            buf += c.toString('utf8');
            for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (!line) continue;
              try {
                onEvent(JSON.parse(line) as WatchEvent<T>);
              } catch (e) {
                req!.destroy(e as Error);
              }
            }
          });
          res.on('end', () => resolvePromise());
          res.on('error', (e) => (stopped ? resolvePromise() : reject(new ApiError(`watch ${path}: ${e.message}`, 0))));
        },
        (e) => (stopped ? resolvePromise() : reject(e)),
      );
      req.end();
    });
    return {
      stop: () => {
        stopped = true;
        req?.destroy();
      },
      done,
    };
  }

  /** Close pooled connections (so a stopping component's event loop can end). */
  close(): void {
    this.agent.destroy();
  }
}
