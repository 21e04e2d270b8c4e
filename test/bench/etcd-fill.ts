// Fills an etcd cluster for the DR benchmark and drill: many puts over the v3 JSON gateway
// (HTTPS with the client certificate), a bounded number in flight, so 1 GB goes in within minutes.
import { request, Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FillOptions {
  /** https://IP:2379 of one member */
  endpoint: string;
  /** the directory with ca.crt, client.crt, client.key */
  pki: string;
  prefix: string;
  keys: number;
  /** bytes per value (etcd refuses a request over 1.5 MiB) */
  valueBytes: number;
  inFlight?: number;
}

/** Put `keys` keys of `valueBytes` random-ish bytes each under `prefix`. */
export async function fillEtcd(o: FillOptions): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.inFlight ?? 8, ca: readFileSync(join(o.pki, 'ca.crt')), cert: readFileSync(join(o.pki, 'client.crt')), key: readFileSync(join(o.pki, 'client.key')) });
  const url = new URL('/v3/kv/put', o.endpoint);
  // values differ per key (a counter over a random block) so nothing is shared or compressible
  const block = Buffer.alloc(o.valueBytes);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  const put = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      block.writeUInt32BE(i, 0);
      const body = JSON.stringify({ key: Buffer.from(`${o.prefix}${String(i).padStart(8, '0')}`).toString('base64'), value: block.toString('base64') });
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`put ${i}: HTTP ${res.statusCode} ${text.slice(0, 300)}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  // a loaded machine makes etcd time a request out (HTTP 503) or drop a kept-alive socket now and then: try it again
  const putRetried = async (i: number): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await put(i);
      } catch (err) {
        if (attempt >= 5 || /HTTP 4/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
      }
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < o.keys) await putRetried(next++);
  };
  try {
    await Promise.all(Array.from({ length: o.inFlight ?? 8 }, worker));
  } finally {
    agent.destroy();
  }
}
