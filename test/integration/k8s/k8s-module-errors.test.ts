// Kubernetes modules fail with messages, never stack traces: a missing kubeconfig names the
// file, a wrong context names the `context` argument, a 401 says Unauthorized and which
// context's credentials to check. Every module, through the real CLI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { drover } from '../../helpers/cli.js';

let sim: K8sSim;
let dir: string;
let badToken: string;

const MODULES: [string, Record<string, unknown>][] = [
  ['k8s_info', { kind: 'Pod', namespace: 'default' }],
  ['k8s_node_label', { name: 'node1', labels: { a: 'b' } }],
  ['k8s', { definition: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { k: 'v' } } }],
  ['k8s_drain', { name: 'node1', state: 'cordon' }],
  ['k8s_wait', { node: 'node1', timeout: 3, sleep: 1 }],
];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-k8serr-'));
  sim = await startK8sSim({ name: 'k8serr-L', host: '127.60.0.7' });
  await sim.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });
  badToken = join(dir, 'bad-token.kubeconfig');
  writeFileSync(badToken, readFileSync(sim.kubeconfig, 'utf8').replace(/token: \S+/, 'token: not-the-token'));
});

after(async () => {
  await sim?.stop();
});

async function runModule(name: string, args: Record<string, unknown>): Promise<string> {
  const pb = join(dir, `${name}.yml`);
  writeFileSync(pb, JSON.stringify([{ hosts: 'localhost', gather_facts: false, tasks: [{ [name]: args }] }]));
  const r = await drover(['play', pb, '-i', 'localhost,', '-c', 'local'], { timeoutMs: 60_000 });
  assert.equal(r.code, 2, `${name}: ${r.stdout}${r.stderr}`);
  assert.doesNotMatch(r.stdout + r.stderr, /"exception"|\n\s+at /, `${name}: no stack trace\n${r.stdout}`);
  return r.stdout;
}

test('a missing kubeconfig names the file', async () => {
  for (const [m, a] of MODULES) assert.match(await runModule(m, { ...a, kubeconfig: join(dir, 'missing.conf') }), /kubeconfig: cannot read the kubeconfig \S*missing\.conf: no such file/, m);
});

test('a wrong context names the context argument and what the file has', async () => {
  for (const [m, a] of MODULES) assert.match(await runModule(m, { ...a, kubeconfig: sim.kubeconfig, context: 'prod' }), /context: context 'prod' is not in \S+kubeconfig \(has: sim\)/, m);
});

test('a 401 says Unauthorized and names the context and kubeconfig', async () => {
  for (const [m, a] of MODULES) assert.match(await runModule(m, { ...a, kubeconfig: badToken }), /HTTP 401 Unauthorized[^"]*context 'sim' in \S+bad-token\.kubeconfig/, m);
});
