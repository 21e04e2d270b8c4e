// The library behind `drover cluster upgrade` and `drover cluster rollback`: print the plan,
// preflight and a fresh etcd backup (exit 5, nothing changed), then the plan's stages through
// the runbook core (journaled, resumable), the per-host table and --json events.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../cli/exit-codes.js';
import { ConnectionPool } from '../../executor/connection-pool.js';
import { Journal, JournalMismatchError } from '../../runbook/journal.js';
import { planFingerprint } from '../../runbook/plan.js';
import { runPlan, type RunbookEvent } from '../../runbook/run-plan.js';
import { oldGroupNames } from '../cluster-config.js';
import { hostAccess, load, type ClusterOptions, type Loaded } from '../deploy.js';
import type { PreflightProblem } from '../preflight.js';
import { adminTls, listNodes, markNode, type AdminTls } from './api.js';
import { controlPlaneGate, waitNodeAt } from './gates.js';
import { nodeGroupGate, upgradeNodeGroup } from './node-upgrade.js';
import type { UpgradeChoices } from './options.js';
import { buildUpgradePlan, describeUpgrade } from './plan.js';
import { storagePin, upgradePreflight } from './preflight.js';
import { renderUpgradeTable, type NodeRow } from './report.js';
import { upgradeInterrupts, type UpgradeInterrupt } from './interrupt.js';
import { describeInterrupted } from './interrupted-report.js';

/** playbooks/cluster/upgrade.yml of the package. */
export const UPGRADE_PLAYBOOK = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'playbooks', 'cluster', 'upgrade.yml');

export interface UpgradeOptions extends ClusterOptions {
  choices: UpgradeChoices;
  planOnly: boolean;
  stateDir?: string;
  backupDir?: string;
  fresh: boolean;
  /** --resume: continue an earlier run; refused when there is none */
  resume?: boolean;
}

/** Where the journal and container records live: --state-dir, else .drover-upgrade/<cluster> beside the inventory. */
export function stateDirOf(o: Pick<UpgradeOptions, 'stateDir' | 'inventory'>, l: Loaded): string {
  if (o.stateDir) return resolve(o.stateDir);
  const base = o.inventory[0] && existsSync(o.inventory[0]) ? dirname(resolve(o.inventory[0])) : process.cwd();
  return join(base, '.drover-upgrade', l.config.clusterName);
}

/** Run the upgrade play limited to some hosts at a version, with extra vars on top. */
export async function play(o: ClusterOptions, l: Loaded, limit: string, vars: Record<string, unknown>, signal?: AbortSignal): Promise<number> {
  const { runPlaybook } = await import('../../executor/run-playbook.js');
  return runPlaybook({
    playbooks: [UPGRADE_PLAYBOOK],
    inventory: o.inventory,
    limit,
    extraVars: [...o.extraVars, JSON.stringify({ kube_pki_src: l.pkiDir, etcd_pki_src: join(l.pkiDir, 'etcd'), kube_release_dir: l.releaseDir, ...vars })],
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
    // the upgrade owns Ctrl-C (it stops between steps): the play stops only when the upgrade says so
    signal,
  });
}

/** Extra vars of the node play per strategy: in-place keeps the 1.5 cgroup layout. */
function nodeVars(c: UpgradeChoices): Record<string, unknown> {
  return { kube_version: c.to, upgrade_strategy: c.strategy, ...(c.strategy === 'in-place' ? { kubelet_cgroups_per_qos: false, kubelet_enforce_node_allocatable: '' } : {}) };
}

/** Print the preflight problems (and the JSON event); exit 5. */
export function refuse(o: ClusterOptions, problems: PreflightProblem[]): number {
  o.logError(`preflight found ${problems.length} problem(s); nothing was changed:`);
  for (const p of problems) o.logError(`  ✗ [${p.check}] ${p.subject ? `${p.subject}: ` : ''}${p.message}`);
  if (o.json) o.log(JSON.stringify({ type: 'upgrade_preflight', ok: false, problems }));
  return EXIT.INVALID_INPUT;
}

/**
 * The fresh, verified etcd backup every upgrade step takes before it changes anything, through
 * `drover etcd backup`'s code: the snapshot's path, or undefined (after printing the refusal).
 */
export async function freshBackup(o: ClusterOptions, l: Loaded, backupDir: string): Promise<string | undefined> {
  const { runBackup } = await import('../../etcd/backup.js');
  const backup = await runBackup({ inventory: l.inventory, hosts: l.config.etcd.map((h) => h.name), extraVars: l.extra, dir: backupDir, retention: { keepLast: 5 }, probeTimeoutS: 5, keyPrefix: '' });
  if (backup.status !== 'ok' || !backup.file) {
    refuse(o, [{ check: 'backup', subject: backupDir, message: `no fresh verified etcd backup: ${backup.error ?? backup.status}` }]);
    return undefined;
  }
  if (o.json) o.log(JSON.stringify({ type: 'upgrade_backup', file: backup.file, revision: backup.meta?.revision }));
  else o.log(`etcd backup: ${backup.file} (verified)`);
  return backup.file;
}

/** `drover cluster upgrade`: returns the exit code. */
export async function runClusterUpgrade(o: UpgradeOptions): Promise<number> {
  const l = await load(o);
  if (typeof l === 'number') return l;
  const c = o.choices;
  // the upgrade playbook's plays and templates use kubespray's new group names, as the deploy's do
  const renames = oldGroupNames(l.inventory);
  if (renames.length) {
    for (const r of renames) o.logError(`ERROR! ${l.inventory.sources.join(', ')}: ${r.old}: kubespray's old group name; rename it to ${r.now} (the upgrade playbook uses the new names)`);
    return EXIT.INVALID_INPUT;
  }
  const stateDir = stateDirOf(o, l);
  const backupDir = o.backupDir ? resolve(o.backupDir) : join(stateDir, 'etcd-backups');
  const lines = describeUpgrade(l.config, c, backupDir);
  if (o.json) o.log(JSON.stringify({ type: 'upgrade_plan', lines }));
  else o.log(lines.join('\n'));
  if (o.planOnly) return EXIT.OK;
  const journalPath = join(stateDir, 'journal.jsonl');
  if (o.resume && (o.fresh || !existsSync(journalPath))) {
    o.logError(`ERROR! nothing to resume: ${o.fresh ? '--fresh discards the journal' : `no journal at ${journalPath}`}; run without --resume to start an upgrade. Nothing was changed`);
    return EXIT.INVALID_INPUT;
  }

  const pool = new ConnectionPool();
  const intr = upgradeInterrupts((line) => o.logError(line));
  try {
    const exec = hostAccess(l, pool);
    const tls = adminTls(l.pkiDir);
    const via = l.config.apiserverVip ?? l.config.controlPlane[0]!.ip;
    const problems = await upgradePreflight(l.config, c, l.releaseDir, l.pkiDir, tls, via, exec);
    if (problems.length) return refuse(o, problems);
    if (!(await freshBackup(o, l, backupDir))) return EXIT.INVALID_INPUT;
    if (intr.received) {
      o.logError(`interrupted (${intr.received}) before the first step: nothing in the cluster was changed`);
      if (o.json) o.log(JSON.stringify({ type: 'upgrade_interrupted', signal: intr.received, hard: intr.hard, after: null, stopped_before: null, in_progress: [], journal: journalPath }));
      return EXIT.INTERRUPTED;
    }
    return await execute(o, l, { tls, via, stateDir, intr });
  } finally {
    intr.dispose();
    await pool.closeAll();
  }
}

/** The stages after preflight: control plane, then the node groups; the table at the end. */
async function execute(o: UpgradeOptions, l: Loaded, s: { tls: AdminTls; via: string; stateDir: string; intr: UpgradeInterrupt }): Promise<number> {
  const c = o.choices;
  const rows: NodeRow[] = [];
  const row = (r: NodeRow): void => {
    rows.push(r);
    if (o.json) o.log(JSON.stringify({ type: 'upgrade_host', ...r }));
  };
  const cpStart = new Map<string, number>();
  const plan = buildUpgradePlan(l.config, c, {
    controlPlaneHost: async (host, signal) => {
      cpStart.set(host, Date.now());
      const code = await play(o, l, host, { kube_version: c.to, ...storagePin(l.config.kubeVersion) }, signal);
      if (code !== EXIT.OK) throw new Error(`the upgrade play failed on ${host} (exit ${code})`);
    },
    controlPlaneGate: (host) => controlPlaneGate(s.tls, host, l.config.controlPlane.find((h) => h.name === host)!.ip, c.to),
    nodeGroupGate: (g) => nodeGroupGate(s.tls, s.via, c, g),
    nodeGroup: (g, signal) => upgradeNodeGroup({ tls: s.tls, via: s.via, choices: c, stateDir: s.stateDir, play: (limit) => play(o, l, limit, nodeVars(c), signal), row }, g, signal),
    keepNodes: async (nodes) => {
      const seen = await listNodes(s.tls, s.via);
      for (const n of nodes) {
        const v = seen.find((x) => x.name === n)?.kubeletVersion ?? '?';
        await markNode(s.tls, s.via, n, { 'drover.io/upgrade': 'kept' }, { 'drover.io/upgrade-kept-at': v });
        row({ host: n, role: 'node', from: v, to: v, strategy: c.strategy, durationMs: 0, kept: 0, recreated: [], result: 'kept', detail: `kubelet stays ${v} (control-plane-only; new nodes join at ${c.to})` });
      }
    },
  });
  let journal: Journal;
  try {
    journal = Journal.open(join(s.stateDir, 'journal.jsonl'), `${planFingerprint(plan)}@${c.to}`, { fresh: o.fresh });
  } catch (err) {
    if (err instanceof JournalMismatchError) return refuse(o, [{ check: 'journal', message: err.message }]);
    throw err;
  }
  const emit = (e: RunbookEvent): void => {
    if (o.json) o.log(JSON.stringify({ ...('report' in e ? { stage: e.report.id, status: e.report.status, durationMs: e.report.durationMs, error: e.report.error, observations: e.report.observations } : e), type: `upgrade_${e.type}` }));
    else if (e.type === 'stage_start') o.log(`\n== ${e.title}${e.resumed ? ' (done earlier: checking it still holds)' : ''}`);
    else if (e.type === 'stage_end') o.log(`== ${e.report.title}: ${e.report.status} in ${(e.report.durationMs / 1000).toFixed(1)}s`);
    if (e.type === 'stage_end') {
      s.intr.stepEnded(); // after a first Ctrl-C, the run stops here
      if (e.report.id.startsWith('control-plane:')) {
        const host = e.report.id.slice('control-plane:'.length);
        const ok = e.report.status === 'done' || e.report.status === 'resumed';
        row({ host, role: 'control-plane', from: l.config.kubeVersion, to: c.to, strategy: 'one at a time', durationMs: e.report.status === 'resumed' ? 0 : Date.now() - (cpStart.get(host) ?? Date.now()), kept: 0, recreated: [], result: ok ? 'ok' : 'failed', detail: ok ? '' : (e.report.error ?? '') });
      }
    }
  };
  const t0 = Date.now();
  const report = await runPlan(plan, undefined, { journal, emit, signal: s.intr.signal });
  // node groups proven by an earlier run (their gate still holds) were not acted on: say so per node
  const resumed = report.stages.filter((x) => x.status === 'resumed' && x.id.startsWith('nodes:')).flatMap((x) => plan.stages.find((p) => p.id === x.id)?.hosts ?? []);
  if (resumed.length) {
    const seen = await listNodes(s.tls, s.via);
    for (const n of resumed) {
      const v = seen.find((x) => x.name === n)?.kubeletVersion ?? '?';
      row({ host: n, role: 'node', from: v, to: c.to, strategy: c.strategy, durationMs: 0, kept: 0, recreated: [], result: 'ok', detail: 'already at the target, not changed' });
    }
  }
  let stoppedBy: string | undefined;
  if (report.status === 'interrupted') {
    const said = await describeInterrupted({ tls: s.tls, via: s.via, choices: c, from: l.config.kubeVersion }, plan, report, rows, { signal: s.intr.received ?? 'SIGINT', hard: s.intr.hard, journal: journal.path });
    if (o.json) {
      o.log(JSON.stringify(said.event));
      o.logError(said.line); // stderr: a CI log shows where it stopped beside the JSON artifact
    } else stoppedBy = said.line;
  }
  const failed = report.stages.find((x) => x.status === 'failed' || x.status === 'gate-failed');
  if (o.json) o.log(JSON.stringify({ type: 'upgrade_report', status: report.status, durationMs: Date.now() - t0, hosts: rows, failed: failed ? { stage: failed.id, error: failed.error } : undefined }));
  else {
    o.log(`\nUPGRADE ${l.config.kubeVersion} -> ${c.to} (${c.strategy}): ${report.status} in ${((Date.now() - t0) / 1000).toFixed(1)}s\n${renderUpgradeTable(rows)}`);
    if (stoppedBy) o.logError(stoppedBy);
    if (failed) {
      o.logError(`stopped at ${failed.title}: ${failed.error ?? 'gate not met'}`);
      for (const ob of failed.observations.filter((x) => !x.ok)) o.logError(`  ✗ ${ob.subject ? `${ob.subject}: ` : ''}${ob.what}`);
    }
  }
  return report.status === 'ok' ? EXIT.OK : report.status === 'interrupted' ? EXIT.INTERRUPTED : EXIT.HOST_FAILED;
}

/** `drover cluster rollback --node NAME`: the node's previous binaries and flags (from its drover.io/upgrade-from annotation). */
export async function runClusterRollback(o: ClusterOptions & { node: string }): Promise<number> {
  const l = await load(o);
  if (typeof l === 'number') return l;
  const tls = adminTls(l.pkiDir);
  const via = l.config.apiserverVip ?? l.config.controlPlane[0]!.ip;
  const node = (await listNodes(tls, via)).find((n) => n.name === o.node);
  const from = node?.annotations['drover.io/upgrade-from'];
  if (!node || !l.config.nodes.some((n) => n.name === o.node) || !from) {
    o.logError(`ERROR! ${o.node}: ${!node ? 'no such node in the cluster' : !from ? 'no upgrade recorded on it (annotation drover.io/upgrade-from)' : 'not a node of the inventory'}; nothing was changed`);
    return EXIT.INVALID_INPUT;
  }
  const t0 = Date.now();
  const code = await play(o, l, o.node, { kube_version: from, upgrade_strategy: 'in-place' });
  const at = await waitNodeAt(tls, via, o.node, from, code === EXIT.OK ? 120_000 : 5_000);
  const ok = code === EXIT.OK && at.ok;
  await markNode(tls, via, o.node, { 'drover.io/upgrade': ok ? 'rolled-back' : 'failed' });
  const line = { type: 'rollback', node: o.node, to: from, ok, node_state: at.what, durationMs: Date.now() - t0 };
  if (o.json) o.log(JSON.stringify(line));
  else o.log(`\nROLLBACK ${o.node} -> ${from}: ${ok ? 'ok' : 'FAILED'} (${at.what}) in ${(line.durationMs / 1000).toFixed(1)}s`);
  return ok ? EXIT.OK : EXIT.HOST_FAILED;
}
