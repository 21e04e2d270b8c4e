// Run a plan: stage by stage, each action followed by its gate, each proven stage journaled;
// the first failure stops the run and the rest are reported as not run. Events go to one
// emitter (reporters render them); the returned report is what --json prints.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Journal } from './journal.js';
import type { Gate, Observation, Plan, Stage } from './plan.js';

/** done: acted and proven; resumed: proven earlier (journal) and its gate still holds. */
export type StageStatus = 'done' | 'resumed' | 'failed' | 'gate-failed' | 'interrupted' | 'not-run';

export interface StageReport {
  id: string;
  title: string;
  status: StageStatus;
  durationMs: number;
  error?: string;
  observations: Observation[];
}

export interface RunReport {
  runbook: string;
  status: 'ok' | 'failed' | 'interrupted';
  stages: StageReport[];
}

export type RunbookEvent =
  | { type: 'stage_start'; stage: string; title: string; resumed: boolean }
  | { type: 'gate_wait'; stage: string; observations: Observation[] }
  | { type: 'stage_end'; report: StageReport };

export interface RunOptions {
  journal?: Journal;
  emit?: (e: RunbookEvent) => void;
  signal?: AbortSignal;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Check a gate until it passes or its time is up; a check that throws is an observation that failed. */
async function waitForGate<C>(stage: Stage<C>, gate: Gate<C>, ctx: C, signal: AbortSignal, emit: (e: RunbookEvent) => void, once = false): Promise<{ ok: boolean; observations: Observation[] }> {
  const deadline = Date.now() + gate.timeoutMs;
  for (;;) {
    let res: { ok: boolean; observations: Observation[] };
    try {
      res = await gate.check(ctx, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      res = { ok: false, observations: [{ what: `the check itself failed: ${message(err)}`, ok: false }] };
    }
    if (res.ok || once || Date.now() + gate.intervalMs > deadline) return res;
    emit({ type: 'gate_wait', stage: stage.id, observations: res.observations });
    await sleep(gate.intervalMs, undefined, { signal });
  }
}

/** Run every stage of the plan in order; resume from the journal when one is given. */
export async function runPlan<C>(plan: Plan<C>, ctx: C, options: RunOptions = {}): Promise<RunReport> {
  const emit = options.emit ?? ((): void => undefined);
  const signal = options.signal ?? new AbortController().signal;
  const stages: StageReport[] = [];
  let status: RunReport['status'] = 'ok';
  for (const stage of plan.stages) {
    // a signal that came between two stages stops the run before the next one starts
    if (status === 'ok' && signal.aborted) status = 'interrupted';
    if (status !== 'ok') {
      stages.push({ id: stage.id, title: stage.title, status: 'not-run', durationMs: 0, observations: [] });
      continue;
    }
    const started = Date.now();
    const end = (s: StageStatus, observations: Observation[], error?: string): void => {
      const report: StageReport = { id: stage.id, title: stage.title, status: s, durationMs: Date.now() - started, observations, ...(error ? { error } : {}) };
      stages.push(report);
      emit({ type: 'stage_end', report });
      if (s === 'failed' || s === 'gate-failed') status = 'failed';
      if (s === 'interrupted') status = 'interrupted';
    };
    try {
      const earlier = options.journal?.finished(stage.id);
      if (earlier) {
        emit({ type: 'stage_start', stage: stage.id, title: stage.title, resumed: true });
        // A stage done earlier is trusted only if its gate still holds now; otherwise it runs again.
        const still = stage.gate ? await waitForGate(stage, stage.gate, ctx, signal, emit, true) : { ok: true, observations: earlier.observations };
        if (still.ok) {
          end('resumed', still.observations);
          continue;
        }
      } else emit({ type: 'stage_start', stage: stage.id, title: stage.title, resumed: false });
      if (stage.run) {
        try {
          await stage.run(ctx, signal);
        } catch (err) {
          if (signal.aborted) throw err;
          end('failed', [], message(err));
          continue;
        }
      }
      const proof = stage.gate ? await waitForGate(stage, stage.gate, ctx, signal, emit) : { ok: true, observations: [] };
      if (!proof.ok) {
        end('gate-failed', proof.observations, `gate not met within ${(stage.gate!.timeoutMs / 1000).toFixed(stage.gate!.timeoutMs < 10_000 ? 1 : 0)} s: ${stage.gate!.describe}`);
        continue;
      }
      options.journal?.record(stage.id, proof.observations);
      end('done', proof.observations);
    } catch (err) {
      if (!signal.aborted) throw err;
      end('interrupted', [], 'interrupted');
    }
  }
  return { runbook: plan.runbook, status, stages };
}
