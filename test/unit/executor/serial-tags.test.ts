import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialBatches } from '../../../src/executor/serial.js';
import { tagsSelected } from '../../../src/executor/tags.js';
import { Limiter, mapLimited } from '../../../src/executor/limiter.js';

const hosts = Array.from({ length: 10 }, (_, i) => `h${i + 1}`);

test('serial: a number makes equal batches, the last one shorter', () => {
  assert.deepEqual(serialBatches(hosts, [4]).map((b) => b.length), [4, 4, 2]);
});

test('serial: a list repeats its last entry (canary, then batches)', () => {
  assert.deepEqual(serialBatches(hosts, [1, '30%']).map((b) => b.length), [1, 3, 3, 3]);
  assert.deepEqual(serialBatches(hosts.slice(0, 4), [1, 2]).map((b) => b), [['h1'], ['h2', 'h3'], ['h4']]);
});

test('serial: percentages floor but never go below one host', () => {
  assert.deepEqual(serialBatches(hosts.slice(0, 3), ['10%']).map((b) => b.length), [1, 1, 1]);
  assert.deepEqual(serialBatches(hosts, undefined), [hosts]);
});

test('tags: only, skip, always, never, tagged, untagged', () => {
  const none = { only: [], skip: [] };
  assert.equal(tagsSelected([], none), true);
  assert.equal(tagsSelected(['never'], none), false);
  assert.equal(tagsSelected(['never', 'debug'], { only: ['debug'], skip: [] }), true);
  assert.equal(tagsSelected(['web'], { only: ['db'], skip: [] }), false);
  assert.equal(tagsSelected(['always'], { only: ['db'], skip: [] }), true);
  assert.equal(tagsSelected(['always'], { only: [], skip: ['always'] }), false);
  assert.equal(tagsSelected(['web'], { only: [], skip: ['web'] }), false);
  assert.equal(tagsSelected([], { only: ['untagged'], skip: [] }), true);
  assert.equal(tagsSelected(['x'], { only: ['tagged'], skip: [] }), true);
  assert.equal(tagsSelected(['x'], { only: [], skip: ['tagged'] }), false);
});

test('limiter: never more than the limit in flight, results in input order', async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (n) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, n * 3));
    inFlight--;
    return n * 10;
  });
  assert.equal(peak, 2);
  assert.deepEqual(out, [50, 10, 40, 20, 30, 0]);
  assert.throws(() => new Limiter(0), /positive integer/);
});
