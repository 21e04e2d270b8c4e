// The shape every runbook shares (deploy, upgrade, stop/start, inspect): a plan is an ordered
// list of stages; each stage acts, then a gate proves it from outside before the next begins.
// Plans are plain data plus functions, built by a pure function from inventory and options,
// so they can be printed (`--plan`) and tested without hosts.

/** What a gate saw on one host or object: the evidence the report shows. */
export interface Observation {
  /** Host, member or object the observation is about; omitted for cluster-wide facts. */
  subject?: string;
  what: string;
  ok: boolean;
}

/** A gate's verdict: ok only when every observation is. */
export interface GateResult {
  ok: boolean;
  observations: Observation[];
}

/** Proof that a stage did what it says, checked from outside (a port, an API read, a leader lock). */
export interface Gate<C> {
  /** What the gate checks, in one line ("every apiserver answers /healthz"). */
  describe: string;
  check(ctx: C, signal: AbortSignal): Promise<GateResult>;
  /** How long to keep checking before the stage counts as failed. */
  timeoutMs: number;
  intervalMs: number;
}

/** One step of a runbook. */
export interface Stage<C> {
  /** Stable id, used by the journal to resume ("etcd-backup", "apiserver:cp2"). */
  id: string;
  title: string;
  /** The hosts it touches, for the plan printout. */
  hosts?: string[];
  /** The action; it may throw to fail the stage. Omitted for a check-only stage. */
  run?(ctx: C, signal: AbortSignal): Promise<void>;
  gate?: Gate<C>;
}

export interface Plan<C> {
  runbook: string;
  stages: Stage<C>[];
}

/** Build a gate result from observations. */
export function gateResult(observations: Observation[]): GateResult {
  return { ok: observations.length > 0 && observations.every((o) => o.ok), observations };
}

/** The plan as lines a human reads before saying yes (`--plan`). */
export function describePlan<C>(plan: Plan<C>): string[] {
  const width = String(plan.stages.length).length;
  return plan.stages.map((s, i) => {
    const hosts = s.hosts?.length ? ` [${s.hosts.join(', ')}]` : '';
    const gate = s.gate ? ` — gate: ${s.gate.describe}` : '';
    return `${String(i + 1).padStart(width)}. ${s.title}${hosts}${gate}`;
  });
}

/** A fingerprint of the plan's stage ids, so a journal is only resumed by the same plan. */
export function planFingerprint<C>(plan: Plan<C>): string {
  return `${plan.runbook}:${plan.stages.map((s) => s.id).join(',')}`;
}
