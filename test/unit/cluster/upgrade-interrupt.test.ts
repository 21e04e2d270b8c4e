// Ctrl-C during an upgrade, without processes: the first signal aborts nothing until the step in
// flight ends, the second aborts at once, the third quits; runPlan starts no stage once the
// signal is aborted (the step that ended is journaled, the rest are not run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upgradeInterrupts } from '../../../src/cluster/upgrade/interrupt.js';
import { Journal } from '../../../src/runbook/journal.js';
import { gateResult, type Plan } from '../../../src/runbook/plan.js';
import { runPlan } from '../../../src/runbook/run-plan.js';

test('first signal: stop after the step in flight; second: now; third: quit', () => {
  const lines: string[] = [];
  const exits: number[] = [];
  const listeners = process.listenerCount('SIGINT');
  const intr = upgradeInterrupts((l) => lines.push(l), ((code: number) => void exits.push(code)) as (code: number) => never);
  try {
    intr.stepEnded();
    assert.equal(intr.signal.aborted, false, 'no signal yet: a step ending changes nothing');
    process.emit('SIGINT', 'SIGINT');
    assert.equal(intr.received, 'SIGINT');
    assert.equal(intr.signal.aborted, false, 'the step in flight goes on');
    intr.stepEnded();
    assert.equal(intr.signal.aborted, true, 'stopped once it ended');
    assert.equal(intr.hard, false);
    process.emit('SIGTERM', 'SIGTERM');
    assert.equal(intr.hard, true);
    process.emit('SIGTERM', 'SIGTERM');
    assert.deepEqual(exits, [99]);
    assert.match(lines[0]!, /SIGINT: stopping after the step in flight/);
    assert.match(lines[1]!, /SIGTERM again: stopping now/);
  } finally {
    intr.dispose();
  }
  assert.equal(process.listenerCount('SIGINT'), listeners, 'handlers removed');
});

test('a second signal aborts the step in flight at once', () => {
  const intr = upgradeInterrupts(() => undefined);
  try {
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    assert.equal(intr.signal.aborted, true);
  } finally {
    intr.dispose();
  }
});

test('runPlan: a signal that came during a stage lets it finish and be journaled, then starts no other stage', async () => {
  const ac = new AbortController();
  const ran: string[] = [];
  const plan: Plan<undefined> = {
    runbook: 'test',
    stages: ['a', 'b', 'c'].map((id) => ({
      id,
      title: id,
      hosts: [],
      async run() {
        ran.push(id);
      },
      gate: { describe: id, timeoutMs: 100, intervalMs: 10, check: async () => gateResult([{ what: id, ok: true }]) },
    })),
  };
  const journal = Journal.open(join(mkdtempSync(join(tmpdir(), 'u2-intr-')), 'j.jsonl'), 'fp');
  // the upgrade aborts from its stage_end handler once a first Ctrl-C came during stage a
  const report = await runPlan(plan, undefined, { journal, signal: ac.signal, emit: (e) => e.type === 'stage_end' && e.report.id === 'a' && ac.abort() });
  assert.deepEqual(ran, ['a']);
  assert.equal(report.status, 'interrupted');
  assert.deepEqual(report.stages.map((s) => s.status), ['done', 'not-run', 'not-run']);
  assert.ok(journal.finished('a'));
  assert.equal(journal.finished('b'), undefined);
});
