// The ssh connection's streaming file methods (getStream/putStream) against real sshd hosts:
// over SFTP, over a channel under sudo (with a password, fed before the bytes), and on a host
// without an SFTP subsystem; byte-exact, atomic with the asked mode, errors for missing files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { SshConnection } from '../../../src/connections/ssh.js';

let fleet: Fleet;
let noSftp: Fleet;
// both fleets use one subnet, one after the other (the SFTP one is stopped before the other starts)
const SUBNET = Number(process.env.DROVER_SSH_STREAM_SUBNET ?? 63);

function conn(f: Fleet, user = 'root', extra: Record<string, unknown> = {}): SshConnection {
  const h = f.hosts[0]!;
  return new SshConnection(h.name, { ansible_host: h.ip, ansible_user: user, ansible_ssh_private_key_file: f.keyPath, drover_ssh_known_hosts: f.knownHostsPath, drover_ssh_retries: 0, ...extra });
}

before(async () => {
  fleet = await startFleet({ hosts: 1, name: 'm-sshstream', subnet: SUBNET });
});

let fleetStopped = false;

after(async () => {
  if (!fleetStopped) await fleet?.stop();
  await noSftp?.stop();
});

const data = randomBytes(5 * 1024 * 1024 + 123);
const chunks = (b: Buffer): Readable => Readable.from(Array.from({ length: Math.ceil(b.length / 100_000) }, (_, i) => b.subarray(i * 100_000, (i + 1) * 100_000)));

test('SFTP: putStream writes atomically with the mode, getStream reads it back byte for byte; a missing file fails up front', async () => {
  const c = conn(fleet);
  try {
    await c.putStream(chunks(data), '/root/big.bin', { mode: '0600' });
    assert.equal(fleet.exec('host1', 'stat -c %a /root/big.bin; ls -a /root | grep -c drover || true').stdout.trim(), '600\n0');
    assert.deepEqual(await buffer(await c.getStream('/root/big.bin')), data);
    await assert.rejects(c.getStream('/root/missing.bin'), /could not read \/root\/missing\.bin/);
  } finally {
    await c.close();
  }
});

test('under sudo (with a password): the bytes go through the become user\'s shell, root-only files included', async () => {
  const c = conn(fleet, 'ops');
  const become = { method: 'sudo' as const, user: 'root', password: 'ops-pass' };
  try {
    await c.putStream(chunks(data), '/root/as-ops.bin', { mode: '0600', become });
    assert.equal(fleet.exec('host1', 'stat -c "%a %U" /root/as-ops.bin').stdout.trim(), '600 root');
    assert.deepEqual(await buffer(await c.getStream('/root/as-ops.bin', { become })), data);
    const missing = await c.getStream('/root/nope.bin', { become });
    await assert.rejects(buffer(missing), /could not read \/root\/nope\.bin/);
  } finally {
    await c.close();
  }
});

test('without an SFTP subsystem: streams through the put script and cat', async () => {
  await fleet.stop();
  fleetStopped = true;
  process.env.DROVER_FLEET_NO_SFTP = '1';
  try {
    noSftp = await startFleet({ hosts: 1, name: 'm-sshstream-nosftp', subnet: SUBNET });
  } finally {
    delete process.env.DROVER_FLEET_NO_SFTP;
  }
  const c = conn(noSftp);
  try {
    await c.putStream(chunks(data), '/root/plain.bin', { mode: 0o640 });
    assert.equal(noSftp.exec('host1', 'stat -c %a /root/plain.bin').stdout.trim(), '640');
    assert.deepEqual(await buffer(await c.getStream('/root/plain.bin')), data);
    await assert.rejects(buffer(await c.getStream('/root/missing.bin')), /could not read \/root\/missing\.bin/);
  } finally {
    await c.close();
  }
});
