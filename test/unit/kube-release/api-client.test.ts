// The stand-in components' kubeconfig reading and API client: relative file references,
// -data fields and tokens; HTTP status on errors; timeouts; watch as JSON lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, ApiError, type WatchEvent } from '../../kube-release/runtime/api-client.js';
import { readKubeconfig } from '../../kube-release/runtime/kubeconfig.js';

const HOST = '127.40.0.3';

test('kubeconfig: current-context, relative files, -data fields, token; clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  try {
    mkdirSync(join(dir, 'pki'));
    writeFileSync(join(dir, 'pki', 'ca.crt'), 'CA-PEM');
    writeFileSync(join(dir, 'pki', 'c.crt'), 'CERT-PEM');
    const kc = (user: string): string =>
      `current-context: b\ncontexts:\n- {name: a, context: {cluster: x, user: u1}}\n- {name: b, context: {cluster: k, user: u2}}\nclusters:\n- {name: k, cluster: {server: 'https://${HOST}:6443', certificate-authority: pki/ca.crt}}\nusers:\n- name: u2\n  user: ${user}\n`;
    writeFileSync(join(dir, 'files.conf'), kc(`{client-certificate: pki/c.crt, client-key-data: ${Buffer.from('KEY-PEM').toString('base64')}}`));
    const r = readKubeconfig(join(dir, 'files.conf'));
    assert.equal(r.server, `https://${HOST}:6443`);
    assert.equal(r.ca, 'CA-PEM');
    assert.equal(r.cert, 'CERT-PEM');
    assert.equal(r.key, 'KEY-PEM');
    writeFileSync(join(dir, 'token.conf'), kc('{token: abc}'));
    assert.equal(readKubeconfig(join(dir, 'token.conf')).token, 'abc');
    writeFileSync(join(dir, 'half.conf'), kc('{client-certificate: pki/c.crt}'));
    assert.throws(() => readKubeconfig(join(dir, 'half.conf')), /client-cert and client-key must both be specified/);
    writeFileSync(join(dir, 'gone.conf'), kc('{client-certificate: pki/gone.crt, client-key: pki/c.crt}'));
    assert.throws(() => readKubeconfig(join(dir, 'gone.conf')), new RegExp(`unable to read client-cert ${dir}/pki/gone.crt for b due to open .*: no such file or directory`));
    assert.throws(() => readKubeconfig(join(dir, 'absent.conf')), /^Error: open .*absent\.conf: no such file or directory$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('api client: JSON bodies and content types, ApiError with status, timeouts, watch lines', async () => {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''} ${req.headers.authorization ?? ''}`);
    if (req.url === '/slow') return; // never answers
    if (req.url?.startsWith('/api/v1/pods?watch=true')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MOD');
      setTimeout(() => res.end('IFIED","object":{"metadata":{"name":"a"}}}\n'), 50);
      return;
    }
    if (req.method === 'PUT') {
      res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', reason: 'Conflict', message: 'the object has been modified' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const api = new ApiClient({ server: `http://${HOST}:${(server.address() as { port: number }).port}`, token: 't0k', timeoutMs: 500 });
  try {
    assert.deepEqual(await api.mergePatch('/api/v1/nodes/n1', { spec: { unschedulable: true } }), { ok: true });
    await api.list('/api/v1/pods', { labelSelector: 'app=web' });
    assert.ok(seen.includes('PATCH /api/v1/nodes/n1 application/merge-patch+json Bearer t0k'), seen.join('\n'));
    assert.ok(seen.includes('GET /api/v1/pods?labelSelector=app%3Dweb  Bearer t0k'), seen.join('\n'));
    const conflict = await api.update('/api/v1/nodes/n1', {}).catch((e: unknown) => e);
    assert.ok(conflict instanceof ApiError);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.code, 409);
    assert.equal(conflict.reason, 'Conflict');
    const slow = await api.get('/slow', { timeoutMs: 200 }).catch((e: unknown) => e);
    assert.ok(slow instanceof ApiError);
    assert.equal(slow.status, 0);
    assert.match(slow.message, /timed out after 200 ms/);
    const events: WatchEvent[] = [];
    const w = api.watch('/api/v1/pods', { resourceVersion: '5' }, (e) => events.push(e));
    await w.done;
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED a', 'MODIFIED a']);
  } finally {
    api.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
