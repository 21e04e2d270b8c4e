// The options of `drover cluster upgrade` and how they split the nodes into a canary and
// batches: pure, so `--plan` and the run agree on every step.

/** How nodes are upgraded. */
export type UpgradeStrategy = 'in-place' | 'drain' | 'control-plane-only';

export const STRATEGIES: UpgradeStrategy[] = ['in-place', 'drain', 'control-plane-only'];

export interface UpgradeChoices {
  to: string;
  strategy: UpgradeStrategy;
  canary: number;
  /** "N" nodes or "P%" of the nodes per batch */
  batch: string;
  maxFailures: number;
  allowNotReady: boolean;
}

/** The node groups in order: the canary first (no failure allowed), then the batches. */
export interface NodeGroup {
  id: string;
  label: string;
  nodes: string[];
  /** failed nodes tolerated, counted over this group and `earlier`, before the run stops */
  maxFailures: number;
  /** the nodes of the batches before this one (their failures count against maxFailures too) */
  earlier: string[];
}

/** Batch size from "N" or "P%" of `total`; undefined when it does not parse. */
export function batchSize(batch: string, total: number): number | undefined {
  const pct = /^(\d+)%$/.exec(batch.trim());
  if (pct) return Number(pct[1]) > 0 && Number(pct[1]) <= 100 ? Math.max(1, Math.ceil((total * Number(pct[1])) / 100)) : undefined;
  return /^\d+$/.test(batch.trim()) && Number(batch) > 0 ? Number(batch) : undefined;
}

/** Split the nodes: canary (first N in inventory order, no failure allowed), then batches of --batch (--max-failures failed nodes allowed over all of them). */
export function nodeGroups(nodes: string[], c: UpgradeChoices): NodeGroup[] {
  const size = batchSize(c.batch, nodes.length) ?? 1;
  const canary = nodes.slice(0, Math.min(c.canary, nodes.length));
  const groups: NodeGroup[] = canary.length ? [{ id: 'nodes:canary', label: 'canary', nodes: canary, maxFailures: 0, earlier: [] }] : [];
  const rest = nodes.slice(canary.length);
  for (let i = 0; i < rest.length; i += size) groups.push({ id: `nodes:batch${i / size + 1}`, label: `batch ${i / size + 1}`, nodes: rest.slice(i, i + size), maxFailures: c.maxFailures, earlier: rest.slice(0, i) });
  return groups;
}

/** Minor of a version string (v1.6.13-jdos.1 -> 6), undefined when not v1.x.y. */
export function minorOf(v: string | undefined): number | undefined {
  const m = /^v1\.(\d+)\.\d+/.exec(v ?? '');
  return m ? Number(m[1]) : undefined;
}

/** A kubelet or apiserver reporting `got` runs release `want` (a patched build adds -suffix). */
export const versionIs = (got: string | undefined, want: string): boolean => got === want || Boolean(got?.startsWith(`${want}-`));
