// Pod exec over the API server's WebSocket, speaking every channel protocol a cluster may
// offer (v5, v4, and the plain channel.k8s.io of old clusters). client-node's Exec closes the
// whole socket when stdin ends on anything but v5 (losing output and the exit status) and
// throws on the text status frames of the older protocols; this client does neither: without
// v5 it simply never ends stdin (the wire format in pod-framing.ts needs no EOF).
import type { KubeConfig, V1Status } from '@kubernetes/client-node';
import type { Readable, Writable } from 'node:stream';
import WebSocket from 'ws';
import type { ExecSocket, PodExecApi } from './pod-exec.js';

/** Offered in this order; the server picks the first it speaks. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const CLOSE = 255;

/** Does this negotiated protocol let the client say "stdin is finished" ([255, 0])? */
export function canCloseStdin(protocol: string): boolean {
  return protocol === 'v5.channel.k8s.io';
}

/** The channel-3 frame as a Status: JSON on v4/v5, an error text (or nothing on success) before. */
export function statusOf(protocol: string, payload: Buffer): V1Status {
  if (/^v[45]\./.test(protocol)) return JSON.parse(payload.toString('utf8')) as V1Status;
  const message = payload.toString('utf8');
  return message ? { status: 'Failure', message } : { status: 'Success' };
}

/** A PodExecApi over `ws`, with the kubeconfig's TLS and credentials. */
export class WsExec implements PodExecApi {
  constructor(
    private readonly kc: KubeConfig,
    /** The upgrade must be answered within this (a server that accepts and never answers is cut off). */
    private readonly handshakeTimeoutMs = 10_000,
  ) {}

  async exec(namespace: string, pod: string, container: string, command: string[], stdout: Writable, stderr: Writable, stdin: Readable | null, tty: boolean, statusCallback: (status: V1Status) => void): Promise<ExecSocket & { readonly protocol: string }> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const q = new URLSearchParams();
    for (const c of command) q.append('command', c);
    if (container) q.set('container', container);
    q.set('stdin', String(stdin !== null));
    q.set('stdout', 'true');
    q.set('stderr', 'true');
    q.set('tty', String(tty));
    const base = cluster.server.replace(/^http/, 'ws').replace(/\/+$/, '');
    const url = `${base}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/exec?${q.toString()}`;
    const opts: Record<string, unknown> = {};
    await this.kc.applyToHTTPSOptions(opts);
    const ws = new WebSocket(url, EXEC_PROTOCOLS, { ...opts, perMessageDeflate: false, handshakeTimeout: this.handshakeTimeoutMs });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`Unexpected server response: ${res.statusCode}`)));
    });
    const protocol = ws.protocol || 'channel.k8s.io';
    ws.on('error', () => undefined); // the caller listens too; an error after open must not throw
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const buf = isBinary ? data : Buffer.from(data);
      if (!buf.length) return;
      const ch = buf[0]!;
      const payload = buf.subarray(1);
      if (ch === STDOUT) {
        if (payload.length) stdout.write(payload);
      } else if (ch === STDERR) {
        if (payload.length) stderr.write(payload);
      } else if (ch === STATUS) {
        try {
          statusCallback(statusOf(protocol, payload));
        } catch {
          statusCallback({ status: 'Failure', message: payload.toString('utf8') });
        }
      } else if (ch === CLOSE) {
        /* the server closed one of its streams: the socket's close follows */
      }
    });
    ws.on('close', () => {
      stdin?.destroy();
      stdout.end();
      stderr.end();
    });
    if (stdin) pumpStdin(ws, stdin, protocol);
    return ws;
  }
}

/** Stdin into channel 0, with backpressure; at its end a v5 close frame, and nothing otherwise. */
function pumpStdin(ws: WebSocket, stdin: Readable, protocol: string): void {
  stdin.on('data', (chunk: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const frame = Buffer.allocUnsafe(chunk.length + 1);
    frame[0] = STDIN;
    chunk.copy(frame, 1);
    ws.send(frame);
    // a slow pod must not make the whole payload sit in this process's memory
    if (ws.bufferedAmount > 1024 * 1024) {
      stdin.pause();
      const wait = setInterval(() => {
        if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount < 256 * 1024) {
          clearInterval(wait);
          stdin.resume();
        }
      }, 5);
    }
  });
  stdin.on('end', () => {
    if (canCloseStdin(protocol) && ws.readyState === WebSocket.OPEN) ws.send(Buffer.from([CLOSE, STDIN]));
  });
  stdin.on('error', () => ws.close());
}
