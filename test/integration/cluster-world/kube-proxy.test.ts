// The stand-in kube-proxy against an API server (the simulator): /healthz answers "ok", and
// Service/Endpoints changes arrive through its watches as the rules it would program.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildRelease } from '../../kube-release/build.js';
import { ApiClient } from '../../kube-release/runtime/api-client.js';
import { readKubeconfig } from '../../kube-release/runtime/kubeconfig.js';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';

const HOST = '127.40.0.5';
const work = mkdtempSync(join(tmpdir(), 'kube-proxy-standin-'));
let sim: K8sSim;

before(async () => {
  await buildRelease({ version: 'v1.6.13', outDir: join(work, 'rel') });
  sim = await startK8sSim({ root: join(work, 'sim'), host: HOST, externalControllers: true });
});

after(async () => {
  await sim?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function waitFor(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('kube-proxy serves /healthz and logs the rules Services and Endpoints would get; SIGTERM ends it', async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proxy: ChildProcess = spawn(join(work, 'rel', 'kube-proxy'), [`--kubeconfig=${sim.kubeconfig}`, `--healthz-bind-address=${HOST}`, `--healthz-port=${port}`, '--hostname-override=node1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proxy.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const api = ApiClient.fromKubeconfig(readKubeconfig(sim.kubeconfig));
  try {
    await waitFor('Using iptables Proxier', () => log.includes('Using iptables Proxier.'));
    const h = await fetch(`http://${HOST}:${port}/healthz`);
    assert.equal(h.status, 200);
    assert.equal(await h.text(), 'ok');
    await api.create('/api/v1/namespaces/default/services', { metadata: { name: 'web' }, spec: { clusterIP: '10.0.0.20', ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    await waitFor('the service rule', () => log.includes('would program service default/web:http 10.0.0.20:80/TCP -> []'));
    await api.create('/api/v1/namespaces/default/endpoints', { metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: '10.1.0.5' }, { ip: '10.1.0.6' }], ports: [{ name: 'http', port: 8080 }] }] });
    await waitFor('the endpoints', () => log.includes('would program service default/web:http 10.0.0.20:80/TCP -> [10.1.0.5:8080 10.1.0.6:8080]'));
    await api.delete('/api/v1/namespaces/default/services/web');
    await waitFor('the removal', () => log.includes('would remove rules of service default/web'));
    assert.match(log, /^I\d{4} [\d:.]+ +\d+ server\.go:\d+\] Version: v1\.6\.13$/m);
    proxy.kill('SIGTERM');
    const code = await new Promise((r) => proxy.once('exit', r));
    assert.equal(code, 0);
  } finally {
    api.close();
    if (proxy.exitCode === null) proxy.kill('SIGKILL');
  }
});
