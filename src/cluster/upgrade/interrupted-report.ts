// What an interrupted upgrade says about where it stopped: a row for every host it did not
// finish (a node still labelled drover.io/upgrade=in-progress, with whether it is cordoned, or
// one not started), the `upgrade_interrupted` JSON event, and the line naming the last proven
// step, the first one not started and the journal, so the operator knows what the rerun does.
import type { RunReport } from '../../runbook/run-plan.js';
import type { Plan } from '../../runbook/plan.js';
import { listNodes, type AdminTls } from './api.js';
import type { UpgradeChoices } from './options.js';
import type { NodeRow } from './report.js';

/** Where the interrupted run stood. */
export interface InterruptedState {
  signal: string;
  hard: boolean;
  journal: string;
}

/** Add rows for the hosts the run did not finish; returns the JSON event and the summary line. */
export async function describeInterrupted(
  s: { tls: AdminTls; via: string; choices: UpgradeChoices; from: string },
  plan: Plan<unknown>,
  report: RunReport,
  rows: NodeRow[],
  state: InterruptedState,
): Promise<{ event: Record<string, unknown>; line: string }> {
  const finished = report.stages.filter((x) => x.status === 'done' || x.status === 'resumed');
  const unfinished = report.stages.filter((x) => x.status === 'interrupted' || x.status === 'not-run');
  const seen = await listNodes(s.tls, s.via).catch(() => []);
  const inProgress: string[] = [];
  for (const st of unfinished) {
    const stage = plan.stages.find((p) => p.id === st.id);
    for (const host of stage?.hosts ?? []) {
      if (rows.some((r) => r.host === host)) continue;
      const role: NodeRow['role'] = st.id.startsWith('control-plane:') ? 'control-plane' : 'node';
      const n = seen.find((x) => x.name === host);
      const label = n?.labels['drover.io/upgrade'];
      const base = { host, role, from: n?.kubeletVersion ?? s.from, to: s.choices.to, strategy: role === 'node' ? s.choices.strategy : 'one at a time', durationMs: 0, kept: 0, recreated: [] as string[] };
      if (label === 'in-progress') {
        inProgress.push(host);
        rows.push({ ...base, result: 'interrupted', detail: `left drover.io/upgrade=in-progress${n?.unschedulable ? ', cordoned' : ''}: the same command finishes it` });
      } else rows.push({ ...base, result: 'not-run', detail: 'not started' });
    }
  }
  const after = finished.at(-1);
  const next = unfinished[0];
  const event = { type: 'upgrade_interrupted', signal: state.signal, hard: state.hard, after: after?.id ?? null, stopped_before: next?.id ?? null, in_progress: inProgress, journal: state.journal };
  const where = `${after ? `after ${after.title}` : 'before the first step finished'}${next ? `; ${next.status === 'interrupted' ? 'cut off' : 'not started'}: ${next.title}` : ''}`;
  const line = `interrupted (${state.signal}) ${where}${inProgress.length ? `; left in progress: ${inProgress.join(', ')}` : ''}. The journal ${state.journal} and the drover.io/upgrade node labels record it: run the same command to resume.`;
  return { event, line };
}
