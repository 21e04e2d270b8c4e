// The API simulator under the real kubectl binary: discovery and tables, selectors, label,
// cordon/uncordon, drain (DaemonSets, PDB 429s, unmanaged pods), exec with exit codes and
// stdin, cp both ways, watch; plus the older exec channel protocols a client may pick.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';

let sim: K8sSim;

const pod = (name: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string>; owner?: [string, string]; node?: string; containers?: string[]; namespace?: string } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: extra.namespace ?? 'default',
    labels: extra.labels ?? {},
    annotations: extra.annotations ?? {},
    ...(extra.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: extra.owner[0], name: extra.owner[1], uid: `uid-${extra.owner[1]}`, controller: true }] } : {}),
  },
  spec: { nodeName: extra.node ?? 'node1', containers: (extra.containers ?? ['app']).map((n) => ({ name: n, image: 'debian' })) },
});

before(async () => {
  sim = await startK8sSim({ name: 'kubectl' });
  await sim.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1', labels: { 'node-role.kubernetes.io/worker': '' } } });
  await sim.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node2', labels: { 'node-role.kubernetes.io/worker': '' } } });
  await sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  await sim.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-rs', namespace: 'default' }, spec: {} });
  await sim.create(pod('web-1', { labels: { app: 'web', tier: 'front' }, owner: ['ReplicaSet', 'web-rs'] }));
  await sim.create(pod('web-2', { labels: { app: 'web', tier: 'front' }, owner: ['ReplicaSet', 'web-rs'], node: 'node2' }));
  await sim.create(pod('db-1', { labels: { app: 'db' }, namespace: 'shop', node: 'node2', containers: ['db', 'sidecar'] }));
});

after(async () => {
  await sim?.stop();
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await sim.kubectl(args, { input });
  assert.equal(r.rc, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('kubectl get: tables with the columns kubectl prints, -o json, -A, selectors', async () => {
  const nodes = await ok(['get', 'nodes']);
  assert.match(nodes, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
  assert.match(nodes, /node1\s+Ready\s+worker\s+\d+s\s+v1\.32\.0/);
  const wide = await ok(['get', 'pods', '-o', 'wide']);
  assert.match(wide, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
  assert.match(wide, /web-1\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+node1/);
  assert.doesNotMatch(wide, /db-1/, 'namespace default only');
  const all = await ok(['get', 'pods', '-A']);
  assert.match(all, /shop\s+db-1\s+2\/2\s+Running/);
  assert.deepEqual((await ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n'), ['pod/web-1', 'pod/web-2']);
  assert.equal((await ok(['get', 'pods', '-l', 'app in (web),tier!=back', '--field-selector', 'spec.nodeName=node2', '-o', 'name'])).trim(), 'pod/web-2');
  assert.equal((await ok(['get', 'pods', '-A', '-l', '!tier', '-o', 'name'])).trim(), 'pod/db-1');
  const json = JSON.parse(await ok(['get', 'pod', 'web-1', '-o', 'json']));
  assert.equal(json.kind, 'Pod');
  assert.equal(json.status.phase, 'Running');
  const none = await sim.kubectl(['get', 'pod', 'nope']);
  assert.notEqual(none.rc, 0);
  assert.match(none.stderr, /pods "nope" not found/);
  const badToken = await sim.kubectl(['get', 'pods', '--token', 'wrong']);
  assert.notEqual(badToken.rc, 0);
  assert.match(badToken.stderr, /Unauthorized/);
});

test('kubectl label: add, refuse overwrite, overwrite, remove', async () => {
  assert.match(await ok(['label', 'node', 'node1', 'zone=a']), /node\/node1 labeled/);
  const refuse = await sim.kubectl(['label', 'node', 'node1', 'zone=b']);
  assert.notEqual(refuse.rc, 0);
  await ok(['label', 'node', 'node1', 'zone=b', '--overwrite']);
  assert.equal((await sim.api('GET', '/api/v1/nodes/node1')).body.metadata.labels.zone, 'b');
  await ok(['label', 'node', 'node1', 'zone-']);
  assert.equal((await sim.api('GET', '/api/v1/nodes/node1')).body.metadata.labels.zone, undefined);
  await ok(['label', 'pods', '-l', 'app=web', 'release=v2']);
  assert.equal((await ok(['get', 'pods', '-l', 'release=v2', '-o', 'name'])).trim().split('\n').length, 2);
});

test('kubectl cordon/uncordon set spec.unschedulable and the STATUS column', async () => {
  await ok(['cordon', 'node2']);
  assert.equal((await sim.api('GET', '/api/v1/nodes/node2')).body.spec.unschedulable, true);
  assert.match(await ok(['get', 'node', 'node2']), /node2\s+Ready,SchedulingDisabled/);
  await ok(['uncordon', 'node2']);
  assert.notEqual((await sim.api('GET', '/api/v1/nodes/node2')).body.spec.unschedulable, true);
  assert.match(await ok(['get', 'node', 'node2']), /node2\s+Ready\s/);
});

test('kubectl exec: output, stderr, exit codes, stdin, containers, missing pods', async () => {
  const r = await sim.kubectl(['exec', 'web-1', '--', 'sh', '-c', 'echo out; echo err >&2; hostname; exit 3']);
  assert.equal(r.rc, 3);
  assert.equal(r.stdout, 'out\nweb-1\n');
  assert.match(r.stderr, /^err\n/);
  assert.match(r.stderr, /command terminated with exit code 3/);
  assert.equal(await ok(['exec', 'web-2', '--', 'hostname']), 'web-2\n');
  const big = 'x'.repeat(200_000);
  assert.equal(await ok(['exec', '-i', 'web-1', '--', 'sh', '-c', 'wc -c'], big), '200000\n');
  // each pod is its own sandbox: a file written in one is absent in the other
  await ok(['exec', 'web-1', '--', 'sh', '-c', 'echo mine > /root/only-here']);
  assert.equal(sim.podShell('default', 'web-1', 'cat /root/only-here').stdout, 'mine\n');
  assert.notEqual(sim.podShell('default', 'web-2', 'cat /root/only-here').rc, 0);
  assert.equal(await ok(['exec', '-n', 'shop', 'db-1', '-c', 'sidecar', '--', 'echo', 'side']), 'side\n');
  const bad = await sim.kubectl(['exec', '-n', 'shop', 'db-1', '-c', 'nope', '--', 'true']);
  assert.notEqual(bad.rc, 0);
  assert.match(bad.stderr, /container nope is not valid/);
  const missing = await sim.kubectl(['exec', 'ghost', '--', 'true']);
  assert.notEqual(missing.rc, 0);
  assert.match(missing.stderr, /pods "ghost" not found/);
});

test('kubectl cp: a file and a directory into a pod and back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-kcp-'));
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf', 'a.conf'), 'alpha\n');
  writeFileSync(join(dir, 'conf', 'b.bin'), Buffer.from([0, 1, 2, 255, 254]));
  await ok(['cp', join(dir, 'conf'), 'web-1:/etc/app']);
  assert.equal(sim.podShell('default', 'web-1', 'cat /etc/app/a.conf').stdout, 'alpha\n');
  assert.equal(sim.podShell('default', 'web-1', 'od -An -tu1 /etc/app/b.bin').stdout.trim().split(/\s+/).join(','), '0,1,2,255,254');
  await ok(['cp', 'web-1:/etc/app/a.conf', join(dir, 'back.conf')]);
  assert.equal(readFileSync(join(dir, 'back.conf'), 'utf8'), 'alpha\n');
});

test('kubectl wait and watch follow changes', async () => {
  await sim.create(pod('short', { node: 'node2' }));
  // Delete only once kubectl's watch is open (its -v=6 log names the request): kubectl ignores a
  // NotFound at its first GET for --for=delete and exits 0 printing nothing, so deleting after a
  // fixed pause raced kubectl's start-up on a loaded machine and proved nothing about the watch.
  let log = '';
  let watchOpen!: () => void;
  const opened = new Promise<void>((resolve) => (watchOpen = resolve));
  const onStderr = (text: string): void => {
    log += text;
    if (/pods\?\S*fieldSelector=metadata\.name%3Dshort\S*&watch=true 200 OK/.test(log)) watchOpen();
  };
  const waiting = sim.kubectl(['wait', '--for=delete', 'pod/short', '--timeout=90s', '-v=6'], { onStderr });
  await Promise.race([opened, waiting]);
  assert.match(log, /&watch=true 200 OK/, `kubectl wait ended before it watched:\n${log}`);
  assert.equal((await sim.api('DELETE', '/api/v1/namespaces/default/pods/short')).status, 200);
  const w = await waiting;
  assert.equal(w.rc, 0, w.stderr);
  assert.equal(w.stdout, 'pod/short condition met\n', 'the DELETED event reached kubectl over the watch');
  assert.match(await ok(['wait', '--for=condition=Ready', 'pod/web-1', '--timeout=10s']), /condition met/);
});

/** A raw exec session with one subprotocol; collects channel frames. */
function rawExec(protocol: string, command: string[], stdin?: Buffer): Promise<{ out: string; status: string }> {
  const q = new URLSearchParams([...command.map((c) => ['command', c]), ['stdout', 'true'], ['stderr', 'true'], ['stdin', stdin ? 'true' : 'false']]);
  const ws = new WebSocket(`${sim.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/web-1/exec?${q}`, [protocol], { ca: readFileSync(sim.caFile), headers: { Authorization: `Bearer ${sim.token}` } });
  const b64 = protocol.includes('base64');
  let out = '';
  let statusText = '';
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      assert.equal(ws.protocol, protocol);
      if (stdin) {
        ws.send(b64 ? `0${stdin.toString('base64')}` : Buffer.concat([Buffer.from([0]), stdin]));
        ws.send(b64 ? '\u00ff\u0000' : Buffer.from([255, 0]));
      }
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const ch = b64 || !isBinary ? Number(data.toString()[0]) : data[0]!;
      const payload = b64 || !isBinary ? Buffer.from(data.toString().slice(1), 'base64') : data.subarray(1);
      if (ch === 1) out += payload.toString();
      if (ch === 3) statusText += payload.toString();
    });
    ws.on('close', () => resolve({ out, status: statusText }));
    ws.on('error', reject);
  });
}

test('exec subprotocols: v5 closes stdin, v4 and base64 carry the exit code in a Status', async () => {
  const v5 = await rawExec('v5.channel.k8s.io', ['sh', '-c', 'cat; exit 4'], Buffer.from('piped'));
  assert.equal(v5.out, 'piped');
  const s5 = JSON.parse(v5.status);
  assert.equal(s5.reason, 'NonZeroExitCode');
  assert.deepEqual(s5.details.causes, [{ reason: 'ExitCode', message: '4' }]);
  const v4 = await rawExec('v4.channel.k8s.io', ['sh', '-c', 'echo four']);
  assert.equal(v4.out, 'four\n');
  assert.deepEqual(JSON.parse(v4.status), { metadata: {}, status: 'Success' });
  const b64 = await rawExec('v5.base64.channel.k8s.io', ['sh', '-c', 'cat; exit 2'], Buffer.from('text frames'));
  assert.equal(b64.out, 'text frames');
  assert.equal(JSON.parse(b64.status).details.causes[0].message, '2');
});

test('kubectl drain: DaemonSet pods need --ignore-daemonsets, unmanaged pods need --force, PDB 429s are retried', async () => {
  await sim.create({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: {} });
  await sim.create(pod('agent-x', { owner: ['DaemonSet', 'agent'], node: 'node1' }));
  await sim.create(pod('guarded', { owner: ['ReplicaSet', 'web-rs'], node: 'node1', annotations: { 'sim.drover.dev/evict-429': '1' } }));
  const refused = await sim.kubectl(['drain', 'node1', '--timeout=30s']);
  assert.notEqual(refused.rc, 0);
  assert.match(refused.stderr, /DaemonSet-managed Pods/);
  const r = await sim.kubectl(['drain', 'node1', '--ignore-daemonsets', '--timeout=60s']);
  assert.equal(r.rc, 0, r.stderr);
  assert.match(r.stderr, /would violate the pod's disruption budget/);
  assert.match(r.stdout, /pod\/guarded evicted/);
  assert.match(r.stdout, /node\/node1 drained/);
  const left = (await ok(['get', 'pods', '--field-selector', 'spec.nodeName=node1', '-o', 'name'])).trim();
  assert.equal(left, 'pod/agent-x', 'only the DaemonSet pod stays');
  assert.equal((await sim.api('GET', '/api/v1/nodes/node1')).body.spec.unschedulable, true);
  // an unmanaged pod (no controller) blocks the drain unless --force
  await sim.create(pod('loner', { node: 'node2' }));
  const blocked = await sim.kubectl(['drain', 'node2', '--ignore-daemonsets', '--timeout=30s']);
  assert.notEqual(blocked.rc, 0);
  assert.match(blocked.stderr, /loner/);
  assert.equal((await sim.api('GET', '/api/v1/namespaces/default/pods/loner')).status, 200, 'nothing was evicted');
  await ok(['uncordon', 'node1']);
  await ok(['uncordon', 'node2']);
});
