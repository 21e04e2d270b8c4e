// The ssh connection against real sshd hosts: one TCP connection reused for parallel
// channels, atomic writes, SFTP-less fallback, reconnect, unreachable errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { SshConnection } from '../../../src/connections/ssh.js';
import { UnreachableError } from '../../../src/connections/types.js';

let fleet: Fleet;
let noSftp: Fleet;

function conn(f: Fleet, i: number, extra: Record<string, unknown> = {}): SshConnection {
  const h = f.hosts[i - 1]!;
  return new SshConnection(h.name, { ansible_host: h.ip, ansible_user: 'root', ansible_ssh_private_key_file: f.keyPath, drover_ssh_known_hosts: f.knownHostsPath, drover_ssh_retries: 0, ...extra });
}

before(async () => {
  fleet = await startFleet({ hosts: 3, name: 'sshconn', subnet: 34 });
  process.env.DROVER_FLEET_NO_SFTP = '1';
  try {
    noSftp = await startFleet({ hosts: 1, name: 'nosftp', subnet: 5 });
  } finally {
    delete process.env.DROVER_FLEET_NO_SFTP;
  }
});

after(async () => {
  await fleet?.stop();
  await noSftp?.stop();
});

test('exec: rc, stdout, stderr, stdin, env, cwd', async () => {
  const c = conn(fleet, 1);
  try {
    assert.deepEqual(await c.exec('echo out; echo err >&2; exit 7'), { rc: 7, stdout: 'out\n', stderr: 'err\n' });
    assert.equal((await c.exec('cat', { stdin: 'from stdin' })).stdout, 'from stdin');
    assert.equal((await c.exec('echo "$GREETING $(pwd)"', { env: { GREETING: "it's me" }, cwd: '/etc' })).stdout, "it's me /etc\n");
    const t = await c.exec('sleep 5', { timeoutMs: 300 });
    assert.equal(t.rc, 124);
    assert.equal(t.timedOut, true);
  } finally {
    await c.close();
  }
});

test('50 concurrent commands share one TCP connection', async () => {
  const c = conn(fleet, 2);
  try {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => c.exec(`echo ${i}`)));
    assert.deepEqual(results.map((r) => r.stdout.trim()), Array.from({ length: 50 }, (_, i) => String(i)));
    assert.equal(c.connectCount, 1);
  } finally {
    await c.close();
  }
});

test('put is atomic with mode, get reads back; no temp files remain', async () => {
  const c = conn(fleet, 3);
  try {
    const data = Buffer.from(Array.from({ length: 300000 }, (_, i) => i % 251));
    await c.put(data, '/root/blob.bin', { mode: '0640' });
    assert.deepEqual(await c.get('/root/blob.bin'), data);
    assert.equal(fleet.exec('host3', 'stat -c %a /root/blob.bin').stdout.trim(), '640');
    assert.equal(fleet.exec('host3', 'ls -a /root | grep -c drover || true').stdout.trim(), '0');
  } finally {
    await c.close();
  }
});

test('hosts without the sftp subsystem: writes and reads go over exec', async () => {
  const c = conn(noSftp, 1);
  try {
    await c.put(Buffer.from('no sftp here\n'), '/root/plain.txt', { mode: 0o600 });
    assert.equal((await c.get('/root/plain.txt')).toString(), 'no sftp here\n');
    assert.equal(noSftp.exec('host1', 'stat -c %a /root/plain.txt').stdout.trim(), '600');
  } finally {
    await c.close();
  }
});

test('a dropped connection is re-established once, between commands', async () => {
  const c = conn(fleet, 1);
  try {
    assert.equal((await c.exec('hostname')).stdout, 'host1\n');
    // kill only this connection's session processes; the listener stays
    const listener = Number(fleet.exec('host1', 'cat /run/sshd.pid').stdout.trim());
    const sessions = fleet.exec('host1', `for p in /proc/[0-9]*; do c=$(cat $p/comm 2>/dev/null); n=\${p#/proc/}; [ "$c" = sshd ] && [ "$n" != ${listener} ] && echo $n; done`).stdout.trim().split('\n').filter(Boolean);
    assert.ok(sessions.length > 0);
    fleet.exec('host1', `kill -9 ${sessions.join(' ')}`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await c.exec('hostname')).stdout, 'host1\n');
    assert.equal(c.connectCount, 2);
  } finally {
    await c.close();
  }
});

test('refused connections and unknown host keys are UnreachableError', async () => {
  const dead = new SshConnection('nobody', { ansible_host: '127.0.0.250', ansible_user: 'root', ansible_ssh_private_key_file: fleet.keyPath, drover_ssh_retries: 0, drover_ssh_connect_timeout: 3 });
  await assert.rejects(dead.exec('true'), (e: Error) => e instanceof UnreachableError && /ECONNREFUSED|connect/i.test(e.message));
  const strict = conn(fleet, 2, { drover_ssh_known_hosts: '/nonexistent/known_hosts' });
  await assert.rejects(strict.exec('true'), (e: Error) => e instanceof UnreachableError && /is not known \(offered SHA256:/.test(e.message));
});

test('a command whose connection dies while it runs fails as unreachable, it does not wait forever', { timeout: 30_000 }, async () => {
  const c = conn(fleet, 3);
  try {
    await c.exec('true');
    const running = c.exec('sleep 20; echo never');
    await new Promise((r) => setTimeout(r, 300));
    fleet.killSshd(fleet.hosts[2]!.name);
    await assert.rejects(running, (e: Error) => e instanceof UnreachableError && /connection lost|channel failed/.test(e.message));
  } finally {
    await c.close();
  }
});

test('a server that closes the socket during the handshake is unreachable, not a hang', { timeout: 30_000 }, async () => {
  // ssh2 reports such a close with 'close' only, no 'error'
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.write('SSH-2.0-OpenSSH_9.2\r\n');
    s.once('data', () => setTimeout(() => s.end(), 10));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const c = new SshConnection('closer', { ansible_host: '127.0.0.1', ansible_port: (server.address() as { port: number }).port, ansible_user: 'root', drover_ssh_retries: 0, drover_ssh_host_key_policy: 'off' });
  try {
    await assert.rejects(c.exec('true'), (e: Error) => e instanceof UnreachableError && /closed during the handshake/.test(e.message));
  } finally {
    await c.close();
    server.close();
  }
});
