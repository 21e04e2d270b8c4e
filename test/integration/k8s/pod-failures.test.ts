// An API server that accepts connections and never answers (the simulator's `stall` switch),
// and a pod deleted while a command runs in it. The inventory, a module and exec must fail
// within their timeouts with a message that says so; Ctrl-C ends a run waiting on the API;
// the deleted pod is unreachable (exit 4), not a failed command with rc 137.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { BIN, ROOT, drover } from '../../helpers/cli.js';
import { KubernetesConnection } from '../../../src/connections/kubernetes.js';
import { UnreachableError } from '../../../src/connections/types.js';

let sim: K8sSim;
let dir: string;
const FAST = { DROVER_K8S_API_TIMEOUT: '2' };

function pod(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'f' } }, spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'debian' }] } };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-podfail-'));
  sim = await startK8sSim({ name: 'podfail-L', host: '127.60.0.6' });
  await Promise.all(['f-1', 'victim-1', 'victim-2'].map((n) => sim.create(pod(n))));
});

after(async () => {
  sim?.stall(false);
  await sim?.stop();
});

test('a pod deleted while a command runs in it is unreachable (exit 4), not rc 137', async () => {
  const c = new KubernetesConnection('default/victim-1', { drover_k8s_kubeconfig: sim.kubeconfig });
  const running = c.exec('echo started; sleep 60');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await sim.api('DELETE', '/api/v1/namespaces/default/pods/victim-1')).status, 200);
  await assert.rejects(running, (e: Error) => e instanceof UnreachableError && /ended without reporting its exit code.*the pod was deleted/.test(e.message));

  const cli = drover(['run', 'all', '-i', 'default/victim-2,', '-c', 'kubernetes', '-e', `drover_k8s_kubeconfig=${sim.kubeconfig}`, '-a', 'sleep 60']);
  await new Promise((r) => setTimeout(r, 2500));
  await sim.api('DELETE', '/api/v1/namespaces/default/pods/victim-2');
  const r = await cli;
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.match(r.stdout, /UNREACHABLE/);
  assert.doesNotMatch(r.stdout, /rc=137|"rc": 137/);
});

test('stalled API server: the pod inventory fails within its timeout, naming the file and the wait', async () => {
  const inv = join(dir, 'pods.k8s.yml');
  writeFileSync(inv, `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    namespaces: [default]\n`);
  sim.stall(true);
  try {
    const t0 = Date.now();
    const r = await drover(['inventory', 'list', '-i', inv], { env: FAST, timeoutMs: 60_000 });
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stderr, /pods\.k8s\.yml.*no answer from the API server within 2 s/s);
    assert.ok(Date.now() - t0 < 30_000, `took ${Date.now() - t0} ms`);
  } finally {
    sim.stall(false);
  }
});

test('stalled API server: a kubernetes module fails with a message, exec is unreachable', async () => {
  sim.stall(true);
  try {
    const m = await drover(['run', 'localhost', '-c', 'local', '-m', 'k8s_info', '-a', `kind=Pod namespace=default kubeconfig=${sim.kubeconfig}`], { env: FAST, timeoutMs: 60_000 });
    assert.equal(m.code, 2, m.stdout + m.stderr);
    assert.match(m.stdout, /no answer from the API server within 2 s/);
    assert.doesNotMatch(m.stdout + m.stderr, /\n\s+at /, 'no stack trace');

    process.env.DROVER_K8S_API_TIMEOUT = '2';
    const c = new KubernetesConnection('default/f-1', { drover_k8s_kubeconfig: sim.kubeconfig, drover_k8s_connect_timeout: 2, drover_k8s_retries: 0 });
    const t0 = Date.now();
    await assert.rejects(c.exec('true'), (e: Error) => e instanceof UnreachableError && /did not open within 2000 ms|handshake has timed out/.test(e.message));
    assert.ok(Date.now() - t0 < 20_000, `took ${Date.now() - t0} ms`);
  } finally {
    delete process.env.DROVER_K8S_API_TIMEOUT;
    sim.stall(false);
  }
});

test('Ctrl-C ends a run waiting on a stalled API server within seconds', async () => {
  sim.stall(true);
  try {
    // the API timeout is long: only the interrupt can end this wait
    const child = spawn(process.execPath, [BIN, 'run', 'localhost', '-c', 'local', '-m', 'k8s_info', '-a', `kind=Pod namespace=default kubeconfig=${sim.kubeconfig}`], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', DROVER_K8S_API_TIMEOUT: '300' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 4000));
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (c) => (clearTimeout(t), resolve(c)));
    });
    assert.ok(Date.now() - t0 < 10_000, `exited ${Date.now() - t0} ms after SIGINT`);
    assert.notEqual(code, null, out);
    assert.notEqual(code, 0, out);
  } finally {
    sim.stall(false);
  }
});
