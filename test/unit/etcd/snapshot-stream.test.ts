// Streaming pieces of the etcd backup/restore: the one-pass trailer check over any chunking,
// the download into a 0600 temp file, and the local transport's getStream/putStream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { checkSnapshot, checkSnapshotFile, SnapshotDigest } from '../../../src/etcd/snapshot-integrity.js';
import { downloadSnapshot } from '../../../src/etcd/snapshot-transfer.js';
import { LocalConnection } from '../../../src/connections/local.js';

function fakeSnapshot(pages: number): Buffer {
  const body = Buffer.alloc(512 * pages);
  for (let i = 0; i < body.length; i++) body[i] = i % 251;
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

function chunked(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

test('the streamed trailer check gives the same verdict and digest as the whole-buffer one, whatever the chunking', () => {
  const good = fakeSnapshot(9);
  const bad = Buffer.from(good);
  bad[100] ^= 1;
  const truncated = good.subarray(0, good.length - 512);
  for (const data of [good, bad, truncated, good.subarray(0, 40)]) {
    const whole = checkSnapshot(data);
    for (const size of [1, 7, 31, 32, 33, 512, 4096, data.length]) {
      const d = new SnapshotDigest();
      for (const c of chunked(data, size)) d.update(c);
      assert.deepEqual(d.result(), whole, `chunks of ${size}`);
    }
  }
  assert.equal(checkSnapshot(good).ok, true);
  assert.equal(checkSnapshot(bad).ok, false);
  assert.equal(checkSnapshot(good).sha256, createHash('sha256').update(good).digest('hex'));
});

test('downloadSnapshot writes a 0600 temp file the next run would remove, checked on the way; a file is checked in chunks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-snapstream-'));
  const good = fakeSnapshot(2100);
  const got = await downloadSnapshot(dir, Readable.from(chunked(good, 65_536)));
  assert.equal(got.integrity.ok, true);
  assert.equal(got.sizeBytes, good.length);
  assert.match(got.tempFile, /\.drover-[0-9a-f]{12}$/);
  assert.equal(statSync(got.tempFile).mode & 0o777, 0o600);
  assert.deepEqual(readFileSync(got.tempFile), good);
  assert.equal((await checkSnapshotFile(got.tempFile)).ok, true);
  const bad = Buffer.from(good);
  bad[5000] ^= 0xff;
  writeFileSync(join(dir, 'bad.db'), bad);
  assert.match(String((await checkSnapshotFile(join(dir, 'bad.db'))).reason), /trailer does not match/);
});

test('local getStream/putStream: a file round-trips byte for byte, atomically with the asked mode; a missing file fails up front', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-localstream-'));
  const conn = new LocalConnection('localhost');
  const data = fakeSnapshot(3000);
  writeFileSync(join(dir, 'src.db'), data);
  await conn.putStream(await conn.getStream(join(dir, 'src.db')), join(dir, 'dst.db'), { mode: '0600' });
  assert.deepEqual(readFileSync(join(dir, 'dst.db')), data);
  assert.equal(statSync(join(dir, 'dst.db')).mode & 0o777, 0o600);
  // a symbolic mode goes through the put script fed on stdin
  await conn.putStream(Readable.from(chunked(data, 10_000)), join(dir, 'sym.db'), { mode: 'u=rw,go=' });
  assert.deepEqual(readFileSync(join(dir, 'sym.db')), data);
  assert.equal(statSync(join(dir, 'sym.db')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir).sort(), ['dst.db', 'src.db', 'sym.db'], 'no temp file left');
  await assert.rejects(conn.getStream(join(dir, 'missing.db')), /could not read .*missing\.db/);
  await assert.rejects(conn.putStream(Readable.from([data]), join(dir, 'no-such-dir', 'x.db'), { mode: 'u=rw' }), /could not write/);
});
