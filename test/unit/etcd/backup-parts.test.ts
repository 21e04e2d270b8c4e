// The pieces of `drover etcd backup` that need no cluster: trailer check, retention, lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSnapshot } from '../../../src/etcd/snapshot-integrity.js';
import { expiredSnapshots, type SnapshotMeta } from '../../../src/etcd/backup-store.js';
import { acquireLock, LockHeldError } from '../../../src/etcd/backup-lock.js';

function fakeSnapshot(pages: number): Buffer {
  const body = Buffer.alloc(512 * pages, 7);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

test('snapshot trailer: whole snapshots pass, corrupted or truncated ones are refused', () => {
  const good = fakeSnapshot(8);
  assert.equal(checkSnapshot(good).ok, true);
  const corrupt = Buffer.from(good);
  corrupt[100] ^= 0xff;
  assert.match(checkSnapshot(corrupt).reason!, /trailer does not match/);
  assert.match(checkSnapshot(good.subarray(0, good.length - 512)).reason!, /trailer|size/);
  assert.match(checkSnapshot(good.subarray(0, 1000)).reason!, /size 1000/);
});

test('retention keeps the last N plus the newest of each hour/day asked for', () => {
  const snaps = Array.from({ length: 48 }, (_, i) => ({ file: `s${i}.db`, createdAt: new Date(Date.UTC(2026, 10, 1, i, 5)).toISOString() }) as SnapshotMeta);
  assert.deepEqual(expiredSnapshots(snaps, { keepLast: 3 }).length, 45);
  const withDaily = expiredSnapshots(snaps, { keepLast: 3, daily: 2 });
  const kept = snaps.filter((s) => !withDaily.includes(s)).map((s) => s.file);
  // newest three, plus the newest of day 1 (23:05 on Nov 1)
  assert.deepEqual(kept, ['s23.db', 's45.db', 's46.db', 's47.db']);
});

test('the lock refuses a second run while the first holds it; a dead holder\'s record blocks nothing', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-lock-'));
  const path = join(dir, 'lock');
  const first = await acquireLock(path);
  await assert.rejects(acquireLock(path), (e: Error) => e instanceof LockHeldError && e.ownerPid === process.pid);
  await first.release();
  // the record of a process that has exited (its PID may be recycled): the kernel lock went with it
  const child = spawn('true');
  await new Promise((r) => child.on('exit', r));
  writeFileSync(path, `${child.pid} 2026-01-01T00:00:00Z\n`);
  const second = await acquireLock(path);
  await second.release();
});
