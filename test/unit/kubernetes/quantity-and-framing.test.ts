// Quantities compared and stored as an API server does, and the exec wire format that needs
// neither stdin's EOF nor a status frame (its trailer parsed back, and run by a real sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { canonicalQuantity, parseQuantity, sameQuantity } from '../../../src/kubernetes/quantity.js';
import { framedScript, takeExitTrailer } from '../../../src/connections/kubernetes/pod-framing.js';

test('canonical quantities: decimal to the largest whole suffix, binary kept binary', () => {
  const cases: [unknown, string][] = [[0.5, '500m'], ['0.5', '500m'], [2, '2'], ['1500m', '1500m'], [1000000, '1M'], [1073741824, '1073741824'], ['1024Mi', '1Gi'], ['1.5Gi', '1536Mi'], [0.1, '100m'], [0, '0']];
  for (const [q, want] of cases) assert.equal(canonicalQuantity(q), want, String(q));
  assert.equal(parseQuantity('lots'), undefined);
  assert.equal(canonicalQuantity(true), undefined);
});

test('sameQuantity compares by value, never for non-quantities', () => {
  assert.ok(sameQuantity(0.5, '500m'));
  assert.ok(sameQuantity('1Gi', '1024Mi'));
  assert.ok(!sameQuantity('1Gi', '1G'));
  assert.ok(!sameQuantity('debian', 'debian'));
});

test('framed script: reads exactly N bytes of an open stdin, reports the rc in a trailer', () => {
  const script = framedScript('wc -c; exit 3', 5, 'abc123');
  // stdin has more than N bytes and is never closed by the client in the pod; here EOF is fine too
  let out = '';
  let err = Buffer.alloc(0);
  try {
    execFileSync('/bin/sh', ['-c', script], { input: 'helloEXTRA' });
  } catch (e) {
    const x = e as { status: number; stdout: Buffer; stderr: Buffer };
    assert.equal(x.status, 3);
    out = x.stdout.toString();
    err = x.stderr;
  }
  assert.equal(out.trim(), '5');
  assert.deepEqual(takeExitTrailer(err, 'abc123'), { rc: 3, stderr: Buffer.alloc(0) });
  assert.equal(takeExitTrailer(Buffer.from('no trailer\n'), 'abc123'), undefined);
  assert.deepEqual(takeExitTrailer(Buffer.from('warn\n[drover-rc-n1:0]\nlate\n'), 'n1'), { rc: 0, stderr: Buffer.from('warnlate\n') });
});
