import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, JournalMismatchError } from '../../../src/runbook/journal.js';
import { describePlan, gateResult, planFingerprint, type Plan } from '../../../src/runbook/plan.js';
import { runPlan, type RunbookEvent } from '../../../src/runbook/run-plan.js';
import { renderReport } from '../../../src/runbook/report.js';

interface World {
  log: string[];
  up: Set<string>;
}

/** A plan over a fake world: each stage "starts" a service, its gate checks the service is up. */
function plan(names: string[], opts: { failGate?: string; throwIn?: string } = {}): Plan<World> {
  return {
    runbook: 'test',
    stages: names.map((n) => ({
      id: n,
      title: `start ${n}`,
      hosts: [`${n}-host`],
      async run(w: World) {
        w.log.push(n);
        if (opts.throwIn === n) throw new Error(`${n} refused to start`);
        if (opts.failGate !== n) w.up.add(n);
      },
      gate: { describe: `${n} answers`, timeoutMs: 300, intervalMs: 50, check: async (w: World) => gateResult([{ subject: `${n}-host`, what: w.up.has(n) ? `${n} up` : `${n} not answering`, ok: w.up.has(n) }]) },
    })),
  };
}

const journalPath = (): string => join(mkdtempSync(join(tmpdir(), 'journal-')), 'run.journal');

test('stages run in order, each proven by its gate and journaled; the plan prints with hosts and gates', async () => {
  const p = plan(['etcd', 'apiserver', 'kubelet']);
  assert.deepEqual(describePlan(p), ['1. start etcd [etcd-host] — gate: etcd answers', '2. start apiserver [apiserver-host] — gate: apiserver answers', '3. start kubelet [kubelet-host] — gate: kubelet answers']);
  const path = journalPath();
  const events: RunbookEvent[] = [];
  const w: World = { log: [], up: new Set() };
  const r = await runPlan(p, w, { journal: Journal.open(path, planFingerprint(p)), emit: (e) => events.push(e) });
  assert.equal(r.status, 'ok');
  assert.deepEqual(w.log, ['etcd', 'apiserver', 'kubelet']);
  assert.deepEqual(r.stages.map((s) => s.status), ['done', 'done', 'done']);
  assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 4);
  assert.deepEqual(events.filter((e) => e.type === 'stage_end').length, 3);
});

test('a gate that is not met stops the run; the report marks the observation and the stages not run', async () => {
  const w: World = { log: [], up: new Set() };
  const events: RunbookEvent[] = [];
  const r = await runPlan(plan(['etcd', 'apiserver', 'kubelet'], { failGate: 'apiserver' }), w, { emit: (e) => events.push(e) });
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.stages.map((s) => s.status), ['done', 'gate-failed', 'not-run']);
  assert.deepEqual(w.log, ['etcd', 'apiserver']);
  assert.ok(events.some((e) => e.type === 'gate_wait' && e.stage === 'apiserver'), 'the gate was polled, not checked once');
  const text = renderReport(r);
  assert.match(text, /start apiserver\s+FAILED/);
  assert.match(text, /✗ apiserver-host: apiserver not answering/);
  assert.match(text, /start kubelet\s+-/);
  assert.match(text, /gate not met within 0\.3 s: apiserver answers/);
});

test('an action that throws fails its stage with the message; nothing after it runs', async () => {
  const w: World = { log: [], up: new Set() };
  const r = await runPlan(plan(['etcd', 'apiserver'], { throwIn: 'etcd' }), w);
  assert.deepEqual(r.stages.map((s) => [s.status, s.error]), [['failed', 'etcd refused to start'], ['not-run', undefined]]);
});

test('a rerun resumes after the last proven stage, but re-runs a finished stage whose gate no longer holds', async () => {
  const path = journalPath();
  const p = plan(['etcd', 'apiserver', 'kubelet'], { failGate: 'apiserver' });
  const w: World = { log: [], up: new Set() };
  await runPlan(p, w, { journal: Journal.open(path, planFingerprint(p)) });
  // the fix is in; rerun
  const again = plan(['etcd', 'apiserver', 'kubelet']);
  w.log = [];
  const r = await runPlan(again, w, { journal: Journal.open(path, planFingerprint(again)) });
  assert.deepEqual(r.stages.map((s) => s.status), ['resumed', 'done', 'done']);
  assert.deepEqual(w.log, ['apiserver', 'kubelet'], 'etcd was not started again');
  // etcd went away since: the journal alone does not skip it
  w.up.delete('etcd');
  w.log = [];
  const third = await runPlan(again, w, { journal: Journal.open(path, planFingerprint(again)) });
  assert.deepEqual(third.stages.map((s) => s.status), ['done', 'resumed', 'resumed']);
  assert.deepEqual(w.log, ['etcd']);
});

test('a journal from another plan is refused unless started fresh; a line cut short by a crash counts as not finished', async () => {
  const path = journalPath();
  const a = plan(['etcd', 'apiserver']);
  const w: World = { log: [], up: new Set() };
  await runPlan(a, w, { journal: Journal.open(path, planFingerprint(a)) });
  const b = plan(['etcd', 'kubelet']);
  assert.throws(() => Journal.open(path, planFingerprint(b)), JournalMismatchError);
  assert.equal(Journal.open(path, planFingerprint(b), { fresh: true }).finished('etcd'), undefined);

  const path2 = journalPath();
  const j = Journal.open(path2, planFingerprint(a));
  j.record('etcd', []);
  appendFileSync(path2, '{"stage":"apiserver","sta');
  const reopened = Journal.open(path2, planFingerprint(a));
  assert.ok(reopened.finished('etcd'));
  assert.equal(reopened.finished('apiserver'), undefined);
});

test('an interrupt mid-stage ends the run as interrupted, journaling nothing for that stage', async () => {
  const ac = new AbortController();
  const path = journalPath();
  const p: Plan<World> = {
    runbook: 'test',
    stages: [
      { id: 'slow', title: 'slow stage', run: async (_w, signal) => new Promise((_ok, fail) => signal.addEventListener('abort', () => fail(new Error('aborted')))) },
      { id: 'next', title: 'next stage', run: async (w) => void w.log.push('next') },
    ],
  };
  const w: World = { log: [], up: new Set() };
  setTimeout(() => ac.abort(), 50);
  const r = await runPlan(p, w, { journal: Journal.open(path, planFingerprint(p)), signal: ac.signal });
  assert.equal(r.status, 'interrupted');
  assert.deepEqual(r.stages.map((s) => s.status), ['interrupted', 'not-run']);
  assert.deepEqual(w.log, []);
  assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 1, 'only the header');
});
