// Pieces `cluster stop`, `cluster start` and `cluster guard` share: where the controller keeps
// their state, the lock two of them never hold at once, and running a stage's playbook.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../cli/exit-codes.js';
import { acquireLock, LockHeldError } from '../../etcd/backup-lock.js';
import type { ClusterOptions, Loaded } from '../deploy.js';
import type { StageName } from './context.js';

/** The stage playbooks teams adapt: playbooks/cluster/maintenance/<action>-<stage>.yml. */
export const MAINTENANCE_PLAYBOOKS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'playbooks', 'cluster', 'maintenance');

/** Controller directory of the maintenance record, guard state and lock (beside the inventory by default). */
export function stateDirOf(o: ClusterOptions & { stateDir?: string }, l: Loaded): string {
  if (o.stateDir) return resolve(o.stateDir);
  const base = o.inventory[0] && existsSync(o.inventory[0]) ? dirname(resolve(o.inventory[0])) : process.cwd();
  return join(base, '.drover', l.config.clusterName);
}

/** Exit code when another maintenance run or the guard holds the lock. */
export const EXIT_LOCKED = 3;

/** Take the cluster's maintenance lock, or say who holds it and return undefined. */
export async function maintenanceLock(stateDir: string, logError: (l: string) => void): Promise<{ release: () => Promise<void> } | undefined> {
  mkdirSync(stateDir, { recursive: true });
  try {
    return await acquireLock(join(stateDir, 'maintenance.lock'));
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    logError(`another maintenance run or guard is acting on this cluster (pid ${err.ownerPid || 'unknown'}, lock ${err.path}); nothing was touched`);
    return undefined;
  }
}

/** Run one stage's playbook against the inventory; throws when a host failed or was unreachable. */
export async function runStagePlaybook(o: ClusterOptions, action: 'stop' | 'start', stage: StageName): Promise<void> {
  const { runPlaybook } = await import('../../executor/run-playbook.js');
  const code = await runPlaybook({
    playbooks: [join(MAINTENANCE_PLAYBOOKS, `${action}-${stage}.yml`)],
    inventory: o.inventory,
    extraVars: o.extraVars,
    json: o.json,
    verbose: o.verbose,
    forks: o.forks,
    check: false,
    diff: false,
    tags: [],
    skipTags: [],
    cliDefaults: o.cliDefaults,
    cliSecrets: o.cliSecrets,
    log: o.log,
  });
  if (code !== EXIT.OK) throw new Error(`${action}-${stage}.yml ended with exit ${code}; the run stops here`);
}

/** The users' entrance settings from the inventory (kube_entrance_port, cluster_entrance_units). */
export function entranceSettings(l: Loaded): { port: number; units: string[] } {
  const first = l.config.controlPlane[0]?.name;
  const vars = first ? l.inventory.hostVars(first) : {};
  const pick = (k: string): unknown => l.extra[k] ?? vars[k];
  const units = pick('cluster_entrance_units');
  return { port: Number(pick('kube_entrance_port') ?? 7443), units: Array.isArray(units) ? units.map(String) : [] };
}
