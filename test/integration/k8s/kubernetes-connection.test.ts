// The kubernetes connection against the API simulator's real pod sandboxes, never mocked:
// exit codes from the status channel, stdin, timeouts, unreachable pods, atomic binary file
// transfer with and without tar in the pod, one shared client for many pods, and the CLI
// running play and ad hoc commands over `-c kubernetes`. Effects are checked inside the pod
// through the sandbox (podShell), not through the connection under test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { drover, jsonSummary } from '../../helpers/cli.js';
import { KubernetesConnection, kubernetesConnectionFactory } from '../../../src/connections/kubernetes.js';
import { UnreachableError } from '../../../src/connections/types.js';
import { kubeClient } from '../../../src/kubernetes/client.js';

let sim: K8sSim;
// kubernetes-connection-v4/-v1.test.ts run this whole file again against a server without v5
const PROTOCOLS = process.env.DROVER_K8S_EXEC_PROTOCOLS?.split(',');
const SIM_HOST = process.env.DROVER_K8S_SIM_HOST ?? '127.0.0.1';
const WEB = Array.from({ length: 20 }, (_, i) => `web-${i + 1}`);

function pod(name: string, extra: { annotations?: Record<string, string>; containers?: string[]; namespace?: string } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: extra.namespace ?? 'default', labels: { app: name.replace(/-\d+$/, '') }, annotations: extra.annotations ?? {} },
    spec: { nodeName: 'node1', containers: (extra.containers ?? ['app']).map((c) => ({ name: c, image: 'debian' })) },
  };
}

function conn(host: string, vars: Record<string, unknown> = {}): KubernetesConnection {
  return new KubernetesConnection(host, { drover_k8s_kubeconfig: sim.kubeconfig, ...vars });
}

function sha(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

before(async () => {
  sim = await startK8sSim({ name: `kconn${PROTOCOLS ? `-${PROTOCOLS.join('-')}` : ''}`, execProtocols: PROTOCOLS, host: SIM_HOST });
  await Promise.all([
    ...WEB.map((n) => sim.create(pod(n))),
    sim.create(pod('notar-1', { annotations: { 'sim.drover.dev/no-tar': 'true' } })),
    sim.create(pod('multi-1', { containers: ['app', 'sidecar'] })),
    sim.create(pod('sys-1', { namespace: 'kube-system' })),
  ]);
});

after(async () => {
  await sim?.stop();
});

test('exec: rc 0 and non-zero are data, stdout and stderr stay apart', async () => {
  const c = conn('default/web-1');
  try {
    assert.deepEqual(await c.exec('echo hello'), { rc: 0, stdout: 'hello\n', stderr: '' });
    assert.deepEqual(await c.exec('echo out; echo err >&2; exit 7'), { rc: 7, stdout: 'out\n', stderr: 'err\n' });
    assert.equal((await c.exec('kill -9 $$')).rc, 137);
    assert.equal((await c.exec('cat /etc/hostname')).stdout, 'web-1\n', 'ran in the pod, not here');
  } finally {
    await c.close();
  }
});

test('exec: stdin (empty, text, over 1 MB binary), env and cwd', async () => {
  const c = conn('web-2');
  try {
    assert.deepEqual(await c.exec('cat; echo "[done]"', { stdin: '' }), { rc: 0, stdout: '[done]\n', stderr: '' });
    assert.equal((await c.exec('cat', { stdin: 'from stdin\n' })).stdout, 'from stdin\n');
    const big = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 31) % 256));
    const r = await c.exec('wc -c', { stdin: big });
    assert.equal(r.stdout.trim(), String(big.length));
    const hashed = await c.exec('sha256sum | cut -d" " -f1', { stdin: big });
    assert.equal(hashed.stdout.trim(), sha(big));
    const e = await c.exec('echo "$GREETING|$EMPTY|$(pwd)"', { env: { GREETING: "it's me; $HOME `x`", EMPTY: '' }, cwd: '/etc/ssl' });
    assert.deepEqual(e, { rc: 0, stdout: "it's me; $HOME `x`||/etc/ssl\n", stderr: '' });
    assert.equal((await c.exec('pwd', { cwd: '/no/such/dir' })).rc, 2);
  } finally {
    await c.close();
  }
});

test('timeout: rc 124 and timedOut, also from drover_k8s_exec_timeout; abort: rc 130', async () => {
  const c = conn('web-3');
  try {
    const t0 = Date.now();
    const t = await c.exec('echo started; sleep 30', { timeoutMs: 400 });
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.equal(t.rc, 124);
    assert.equal(t.timedOut, true);
    assert.equal(t.stdout, 'started\n');
    assert.match(t.stderr, /timed out after 400 ms/);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const a = await c.exec('sleep 30', { signal: ac.signal });
    assert.equal(a.rc, 130);
    assert.equal((await c.exec('echo still usable')).stdout, 'still usable\n');
  } finally {
    await c.close();
  }
  const d = conn('web-3', { drover_k8s_exec_timeout: 1 });
  const r = await d.exec('sleep 30');
  assert.equal(r.rc, 124);
  assert.equal(r.timedOut, true);
});

test('unreachable: missing pod, missing namespace, no API server, bad settings', async () => {
  await assert.rejects(conn('default/nope-1').exec('true'), (e: Error) => e instanceof UnreachableError && /default\/nope-1 not found \(HTTP 404/.test(e.message));
  await assert.rejects(conn('nope-ns/web-1').exec('true'), (e: Error) => e instanceof UnreachableError && /nope-ns\/web-1 not found/.test(e.message));
  const dir = mkdtempSync(join(tmpdir(), 'kconn-'));
  const dead = join(dir, 'kubeconfig');
  writeFileSync(dead, readFileSync(sim.kubeconfig, 'utf8').replace(/https:\/\/[\d.]+:\d+/, `https://127.0.0.1:${await deadPort()}`));
  await assert.rejects(conn('web-1', { drover_k8s_kubeconfig: dead, drover_k8s_retries: 1 }).exec('true'), (e: Error) => e instanceof UnreachableError && /cannot reach https:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/.test(e.message));
  await assert.rejects(conn('web-1', { drover_k8s_kubeconfig: join(dir, 'missing') }).connect(), (e: Error) => e instanceof UnreachableError && /cannot use the kubeconfig/.test(e.message));
  await assert.rejects(conn('Web_1').connect(), (e: Error) => e instanceof UnreachableError && /'Web_1' is not a valid pod name/.test(e.message));
  await assert.rejects(conn('multi-1', { drover_k8s_container: 'nope' }).exec('true'), (e: Error) => e instanceof UnreachableError && /no container 'nope' \(it has: app, sidecar\)/.test(e.message));
});

test('namespaces and containers: `ns/pod` names, drover_k8s_namespace, the default container', async () => {
  assert.equal((await conn('kube-system/sys-1').exec('cat /etc/hostname')).stdout, 'sys-1\n');
  assert.equal((await conn('sys-1', { drover_k8s_namespace: 'kube-system' }).exec('cat /etc/hostname')).stdout, 'sys-1\n');
  assert.equal((await conn('whatever', { ansible_kubectl_pod: 'web-4' }).exec('cat /etc/hostname')).stdout, 'web-4\n');
  // two containers and none named: the API server refuses, the connection picks the first like kubectl
  const m = conn('multi-1');
  assert.equal((await m.exec('echo ok')).stdout, 'ok\n');
  assert.equal(m.where, 'default/multi-1:app');
  assert.equal((await conn('multi-1', { drover_k8s_container: 'sidecar' }).exec('echo ok')).rc, 0);
});

test('put/get: binary round trip with mode, atomic, no temp files left', async () => {
  const c = conn('web-5');
  try {
    const data = Buffer.from(Array.from({ length: 1_500_000 }, (_, i) => (i * 7 + (i >> 8)) % 256));
    sim.podShell('default', 'web-5', 'mkdir -p /srv');
    await c.put(data, '/srv/blob.bin', { mode: '0640' });
    const inPod = sim.podShell('default', 'web-5', 'stat -c %a /srv/blob.bin; sha256sum /srv/blob.bin | cut -d" " -f1; ls -a /srv');
    const [mode, hash, ...listing] = inPod.stdout.trim().split('\n');
    assert.equal(mode, '640');
    assert.equal(hash, sha(data));
    assert.deepEqual(listing.filter((f) => !['.', '..'].includes(f)), ['blob.bin'], 'no temp files');
    assert.deepEqual(await c.get('/srv/blob.bin'), data);

    // overwrite: an inode change proves a rename, not an in-place rewrite; the replaced file's mode stays
    const before = sim.podShell('default', 'web-5', 'stat -c %i /srv/blob.bin').stdout.trim();
    await c.put(Buffer.from('small now\n'), '/srv/blob.bin');
    assert.equal(sim.podShell('default', 'web-5', 'cat /srv/blob.bin').stdout, 'small now\n');
    assert.notEqual(sim.podShell('default', 'web-5', 'stat -c %i /srv/blob.bin').stdout.trim(), before);
    assert.equal(sim.podShell('default', 'web-5', 'stat -c %a /srv/blob.bin').stdout.trim(), '640');

    // names that need quoting, and an empty file
    await c.put(Buffer.alloc(0), "/srv/it's a file", { mode: 0o600 });
    assert.equal(sim.podShell('default', 'web-5', "stat -c '%s %a' \"/srv/it's a file\"").stdout.trim(), '0 600');
    assert.deepEqual(await c.get("/srv/it's a file"), Buffer.alloc(0));
    assert.equal(sim.podShell('default', 'web-5', 'ls -a /srv | grep -c drover || true').stdout.trim(), '0');
  } finally {
    await c.close();
  }
});

test('put/get failures are plain errors, and leave nothing behind', async () => {
  const c = conn('web-6');
  try {
    await assert.rejects(c.get('/no/such/file'), (e: Error) => !(e instanceof UnreachableError) && /could not read \/no\/such\/file: .*No such file/.test(e.message));
    await assert.rejects(c.get('/etc'), (e: Error) => !(e instanceof UnreachableError) && /could not read \/etc: \/etc: is a directory/.test(e.message));
    await assert.rejects(c.put(Buffer.from('x'), '/no/such/dir/f'), (e: Error) => !(e instanceof UnreachableError) && /could not write \/no\/such\/dir\/f/.test(e.message));
    // a directory is in the way: refused (mv would move the file into it), the temp file removed
    sim.podShell('default', 'web-6', 'mkdir -p /srv/target/inner');
    await assert.rejects(c.put(Buffer.from('x'), '/srv/target'), /could not write \/srv\/target: \/srv\/target: is a directory/);
    assert.equal(sim.podShell('default', 'web-6', 'ls -a /srv /srv/target | grep -c drover || true').stdout.trim(), '0');
  } finally {
    await c.close();
  }
});

test('a pod without tar: files go through cat, binary-safe, same atomicity', async () => {
  assert.notEqual(sim.podShell('default', 'notar-1', 'command -v tar').rc, 0, 'the fixture pod really has no tar');
  const c = conn('notar-1');
  try {
    const data = Buffer.from(Array.from({ length: 400_000 }, (_, i) => (i * 13) % 256));
    await c.put(data, '/tmp/blob.bin', { mode: '0755' });
    assert.equal(sim.podShell('default', 'notar-1', 'stat -c %a /tmp/blob.bin; sha256sum /tmp/blob.bin | cut -d" " -f1').stdout, `755\n${sha(data)}\n`);
    assert.deepEqual(await c.get('/tmp/blob.bin'), data);
    await c.put(Buffer.from('v2'), '/tmp/blob.bin');
    assert.equal(sim.podShell('default', 'notar-1', 'cat /tmp/blob.bin').stdout, 'v2');
    assert.equal(sim.podShell('default', 'notar-1', 'ls -a /tmp | grep -c drover || true').stdout.trim(), '0');
    await assert.rejects(c.get('/tmp/missing'), (e: Error) => !(e instanceof UnreachableError) && /could not read \/tmp\/missing/.test(e.message));
  } finally {
    await c.close();
  }
});

test('become: to the exec user is a no-op; su to another user for exec, put and get', async () => {
  const c = conn('web-7');
  try {
    // a flag sudo would reject proves sudo is not run at all (pods seldom have it)
    assert.deepEqual(await c.exec('id -un', { become: { method: 'sudo', user: 'root', flags: '--no-such-flag' } }), { rc: 0, stdout: 'root\n', stderr: '' });
    const nobody = { method: 'su' as const, user: 'nobody', flags: '-s /bin/sh' };
    assert.equal((await c.exec('id -un', { become: nobody })).stdout, 'nobody\n');
    sim.podShell('default', 'web-7', 'mkdir -p /srv/nobody && chown nobody /srv/nobody');
    await c.put(Buffer.from('owned\n'), '/srv/nobody/f.txt', { mode: '0600', become: nobody });
    assert.equal(sim.podShell('default', 'web-7', "stat -c '%U %a' /srv/nobody/f.txt; cat /srv/nobody/f.txt").stdout, 'nobody 600\nowned\n');
    assert.equal((await c.get('/srv/nobody/f.txt', { become: nobody })).toString(), 'owned\n');
    assert.equal(sim.podShell('default', 'web-7', 'ls -a /tmp /srv/nobody | grep -c drover || true').stdout.trim(), '0', 'staging file removed');
  } finally {
    await c.close();
  }
});

test('20 pods at once through one shared client, and 20 commands at once in one pod', async () => {
  const conns = WEB.map((n) => kubernetesConnectionFactory.create(n, { drover_k8s_kubeconfig: sim.kubeconfig }));
  try {
    const results = await Promise.all(conns.map((c) => c.exec('cat /etc/hostname; sleep 0.2; exit $(( $(cat /etc/hostname | tr -dc 0-9) % 3 ))')));
    assert.deepEqual(
      results.map((r) => [r.stdout, r.rc]),
      WEB.map((n) => [`${n}\n`, Number(n.slice(4)) % 3]),
    );
    // one client per kubeconfig for the whole process: the cache hands out the same object
    assert.equal(kubeClient({ kubeconfig: sim.kubeconfig }), kubeClient({ kubeconfig: sim.kubeconfig }));
    const one = conns[0]!;
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => one.exec(`echo ${i}`, { stdin: `in-${i}` })));
    assert.deepEqual(many.map((r) => r.stdout), Array.from({ length: 20 }, (_, i) => `${i}\n`));
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
});

test('drover run and drover play over -c kubernetes: changes once, then changed=0', async () => {
  const kc = `drover_k8s_kubeconfig=${sim.kubeconfig}`;
  const adhoc = await drover(['run', 'all', '-i', 'default/web-8,', '-c', 'kubernetes', '-e', kc, '-m', 'shell', '-a', 'echo adhoc > /tmp/adhoc.txt; cat /etc/hostname'], { env: { KUBECONFIG: '/nonexistent' } });
  assert.equal(adhoc.code, 0, adhoc.stdout + adhoc.stderr);
  assert.match(adhoc.stdout, /web-8/);
  assert.equal(sim.podShell('default', 'web-8', 'cat /tmp/adhoc.txt').stdout, 'adhoc\n');

  const dir = mkdtempSync(join(tmpdir(), 'kconn-play-'));
  const pb = join(dir, 'site.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: true
  tasks:
    - name: a config file
      copy:
        content: "pod {{ ansible_hostname }}\\n"
        dest: /etc/app.conf
        mode: "0640"
    - name: a line in another
      lineinfile:
        path: /etc/app-extra.conf
        line: "managed=yes"
        create: true
    - name: read it back
      command: cat /etc/app.conf /etc/app-extra.conf
      register: conf
      changed_when: false
    - name: check what came back
      assert:
        that: ["('pod ' + ansible_hostname) in conf.stdout", "'managed=yes' in conf.stdout"]
`,
  );
  const args = ['play', pb, '-i', 'default/web-9,web-10,', '-c', 'kubernetes', '-e', kc, '--json'];
  const first = await drover(args, { env: { KUBECONFIG: '/nonexistent' } });
  assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);
  const s1 = jsonSummary(first.stdout).stats;
  assert.equal(s1['default/web-9']!.changed, 2);
  assert.equal(s1['web-10']!.changed, 2);
  assert.equal(sim.podShell('default', 'web-9', 'stat -c %a /etc/app.conf; cat /etc/app.conf /etc/app-extra.conf').stdout, '640\npod web-9\nmanaged=yes\n');
  const second = await drover(args, { env: { KUBECONFIG: '/nonexistent' } });
  assert.equal(second.code, 0, second.stdout.slice(-3000) + second.stderr);
  const s2 = jsonSummary(second.stdout).stats;
  assert.equal(s2['default/web-9']!.changed, 0);
  assert.equal(s2['web-10']!.changed, 0);

  const missing = await drover(['run', 'all', '-i', 'default/gone-1,', '-c', 'kubernetes', '-e', kc, '-a', 'true'], { env: { KUBECONFIG: '/nonexistent' } });
  assert.equal(missing.code & 4, 4, `unreachable exit bit: ${missing.code}\n${missing.stdout}${missing.stderr}`);
  assert.match(missing.stdout + missing.stderr, /default\/gone-1 not found/);
});
