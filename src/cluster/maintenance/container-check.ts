// The promise of a maintenance window: running pods never notice. Every container dockerd ran
// before the first stage must still run, with the same ID and the same start time.
import type { Observation } from '../../runbook/plan.js';
import type { MaintenanceContext } from './context.js';
import { nodeContainers } from './probes.js';

/** Take the snapshot: every running container on every node, one observation per node. */
export async function snapshotContainers(ctx: MaintenanceContext): Promise<Observation[]> {
  return Promise.all(
    ctx.config.nodes.map(async (n) => {
      const got = await nodeContainers(ctx.exec, n.name);
      if ('error' in got) return { subject: n.name, what: `containers unreadable: ${got.error}`, ok: false };
      const running = got.filter((c) => c.running);
      ctx.snapshot.set(n.name, running);
      return { subject: n.name, what: `${running.length} container(s) running (snapshot)`, ok: true };
    }),
  );
}

/** Compare each node's containers with the snapshot: missing, stopped or restarted ones fail. */
export async function containersUnchanged(ctx: MaintenanceContext): Promise<Observation[]> {
  return Promise.all(
    ctx.config.nodes.map(async (n) => {
      const before = ctx.snapshot.get(n.name) ?? [];
      const got = await nodeContainers(ctx.exec, n.name);
      if ('error' in got) return { subject: n.name, what: `containers unreadable: ${got.error}`, ok: false };
      const problems: string[] = [];
      for (const b of before) {
        const now = got.find((c) => c.id === b.id);
        const short = `${b.name} (${b.id.slice(0, 12)})`;
        if (!now) problems.push(`container ${short} is gone`);
        else if (!now.running) problems.push(`container ${short} is not running`);
        else if (now.startedAt !== b.startedAt) problems.push(`container ${short} restarted at ${now.startedAt} (was ${b.startedAt})`);
      }
      return problems.length ? { subject: n.name, what: problems.join('; '), ok: false } : { subject: n.name, what: `all ${before.length} container(s) running, same IDs and start times`, ok: true };
    }),
  );
}
