// What every maintenance stage and gate works with: the cluster, a way into its hosts, the
// admin identity for API reads, and the container snapshot taken before the first stage.
import type { ClusterConfig } from '../cluster-config.js';
import type { HostExec } from '../verify.js';
import type { AdminTls, ContainerFact } from './probes.js';

/** The stages, in stop order. */
export const STAGE_ORDER = ['entrances', 'apiservers', 'control-plane', 'nodes', 'etcd'] as const;
export type StageName = (typeof STAGE_ORDER)[number];

/** Start order: not a plain reverse, since apiservers come back before the kubelets need them. */
export const START_ORDER: readonly StageName[] = ['etcd', 'apiservers', 'nodes', 'control-plane', 'entrances'];

/** Shared state of one maintenance run. */
export interface MaintenanceContext {
  config: ClusterConfig;
  tls: AdminTls;
  exec: HostExec;
  /** Port of the users' entrance on every control-plane host (and the VIP). */
  entrancePort: number;
  /** Extra entrance units the inventory names (a console...). */
  entranceUnits: string[];
  /** Stages this run (or an earlier stop) takes down: gates know what may not answer. */
  down: Set<StageName>;
  /** Containers per node before the first stage. */
  snapshot: Map<string, ContainerFact[]>;
  /** When the current stage's action began (start gates demand evidence newer than this). */
  stageStartedAt: number;
  /** Run the stage's playbook (stop-<stage>.yml / start-<stage>.yml). */
  runStagePlaybook(action: 'stop' | 'start', stage: StageName): Promise<void>;
}
