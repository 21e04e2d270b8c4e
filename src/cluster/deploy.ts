// The library behind `drover cluster deploy` and `drover cluster status`: read the cluster
// from the inventory, preflight (nothing touched on a problem: exit 5), PKI on the controller,
// the deploy playbook, then the verification table.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExtraVars } from '../cli/extra-vars.js';
import { EXIT } from '../cli/exit-codes.js';
import { memberVars, openMember } from '../etcd/member-host.js';
import { ConnectionPool } from '../executor/connection-pool.js';
import { loadInventory } from '../inventory/load-inventory.js';
import type { Inventory } from '../inventory/types.js';
import { oldGroupNames, readClusterConfig, type ClusterConfig } from './cluster-config.js';
import { ensurePki } from './pki/ensure-pki.js';
import { CONTROL_PLANE_PORTS, ETCD_PORTS, NODE_PORTS, STORAGE_PROBE, addressAnswers, checkRelease, checkStorageKept, hostProbeCommand, readHostProbe, renderedStorageMedia, type PreflightProblem } from './preflight.js';
import { renderVerification, verifyCluster, type HostExec } from './verify.js';

/** Where the package's playbooks are (src/cluster or dist/cluster → ../../playbooks). */
export const DEPLOY_PLAYBOOK = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'playbooks', 'cluster', 'deploy.yml');

export interface ClusterOptions {
  inventory: string[];
  limit?: string;
  extraVars: string[];
  json: boolean;
  verbose: boolean;
  check: boolean;
  diff: boolean;
  forks: number;
  pkiDir?: string;
  cliDefaults?: Record<string, unknown>;
  cliSecrets?: string[];
  log(line: string): void;
  logError(line: string): void;
}

export interface Loaded {
  inventory: Inventory;
  config: ClusterConfig;
  extra: Record<string, unknown>;
  releaseDir: string;
  pkiDir: string;
}

/** Read inventory and cluster vars; on a problem print each (file, field) and return the exit code. */
export async function load(o: ClusterOptions): Promise<Loaded | number> {
  const extra = parseExtraVars(o.extraVars);
  const inventory = await loadInventory(o.inventory);
  const { config, errors } = readClusterConfig(inventory, extra);
  if (!config) {
    for (const e of errors) o.logError(`ERROR! ${e.file}: ${e.field}: ${e.message}`);
    if (o.json) o.log(JSON.stringify({ type: 'cluster_invalid', errors }));
    return EXIT.INVALID_INPUT;
  }
  // relative paths in cluster vars are relative to the inventory, so a checkout works from any directory
  const base = o.inventory[0] && existsSync(o.inventory[0]) ? dirname(resolve(o.inventory[0])) : process.cwd();
  const releaseDir = isAbsolute(config.releaseDir) ? config.releaseDir : resolve(base, config.releaseDir);
  const pkiDir = o.pkiDir ? resolve(o.pkiDir) : join(base, 'pki', config.clusterName);
  return { inventory, config, extra, releaseDir, pkiDir };
}

/** Read-only commands on cluster hosts through their inventory connections; an unreachable host gives rc -1. */
export function hostAccess(l: Loaded, pool: ConnectionPool): HostExec {
  return async (host, cmd) => {
    try {
      const m = await openMember(pool, host, memberVars(l.inventory, host, { ...l.extra }), 10);
      const r = await m.exec(cmd, 15_000);
      return { rc: r.rc, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      return { rc: -1, stdout: '', stderr: (err as Error).message };
    }
  };
}

/** Everything that can be known before touching a host. */
async function preflight(l: Loaded, exec: HostExec): Promise<PreflightProblem[]> {
  const { config } = l;
  const problems = await checkRelease(config, l.releaseDir);
  const roles = new Map<string, Record<number, string>>();
  const add = (host: string, ports: Record<number, string>): void => void roles.set(host, { ...roles.get(host), ...ports });
  for (const h of config.etcd) add(h.name, ETCD_PORTS);
  for (const h of config.controlPlane) add(h.name, CONTROL_PLANE_PORTS);
  for (const h of config.nodes) add(h.name, NODE_PORTS);
  const vipHolders: string[] = [];
  await Promise.all(
    [...roles].map(async ([host, ports]) => {
      const isControlPlane = config.controlPlane.some((c) => c.name === host);
      const r = await exec(host, isControlPlane ? `${STORAGE_PROBE}; ${hostProbeCommand(ports)}` : hostProbeCommand(ports));
      if (r.rc !== 0) {
        problems.push({ check: 'reach', subject: host, message: r.rc === -1 ? `unreachable: ${r.stderr}` : `the read-only probe failed (rc ${r.rc}): ${r.stderr.trim().split('\n')[0]}` });
        return;
      }
      const seen = readHostProbe(host, r.stdout);
      problems.push(...seen.problems);
      if (isControlPlane) problems.push(...checkStorageKept(host, r.stdout, renderedStorageMedia(config.minor, l.inventory.hostVars(host).kube_storage_media_type, l.extra.kube_storage_media_type), config.minor));
      if (config.apiserverVip && seen.addresses.includes(config.apiserverVip)) vipHolders.push(host);
    }),
  );
  if (config.apiserverVip) {
    const ours = vipHolders.filter((h) => config.controlPlane.some((c) => c.name === h));
    if (vipHolders.length > ours.length) problems.push({ check: 'vip', subject: config.apiserverVip, message: `held by ${vipHolders.filter((h) => !ours.includes(h)).join(', ')}, which is not a control-plane host` });
    // a VIP none of our control-plane hosts holds must be free: anything answering there is someone else's
    else if (!ours.length && ((await addressAnswers(config.apiserverVip, 6443)) || (await addressAnswers(config.apiserverVip, 22)))) problems.push({ check: 'vip', subject: config.apiserverVip, message: 'something already answers at this address; the VIP must be free' });
  }
  return problems;
}

function printProblems(o: ClusterOptions, problems: PreflightProblem[]): void {
  o.logError(`preflight found ${problems.length} problem(s); no host was touched:`);
  for (const p of problems) o.logError(`  ✗ [${p.check}] ${p.subject ? `${p.subject}: ` : ''}${p.message}`);
  if (o.json) o.log(JSON.stringify({ type: 'cluster_preflight', ok: false, problems }));
}

async function verification(o: ClusterOptions, l: Loaded, exec: HostExec): Promise<number> {
  const rows = await verifyCluster(l.config, l.pkiDir, exec);
  const ok = rows.every((r) => r.ok);
  if (o.json) o.log(JSON.stringify({ type: 'cluster_verification', ok, rows }));
  else o.log(`\nCLUSTER ${l.config.clusterName} (${l.config.kubeVersion})\n${renderVerification(rows)}`);
  return ok ? EXIT.OK : EXIT.HOST_FAILED;
}

/** `drover cluster deploy`: returns the exit code. */
export async function runClusterDeploy(o: ClusterOptions): Promise<number> {
  const l = await load(o);
  if (typeof l === 'number') return l;
  // status reads either naming; the playbook's plays and templates use the new names only
  const renames = oldGroupNames(l.inventory);
  if (renames.length) {
    for (const r of renames) o.logError(`ERROR! ${l.inventory.sources.join(', ')}: ${r.old}: kubespray's old group name; rename it to ${r.now} (the deploy playbook's plays and templates use the new names)`);
    return EXIT.INVALID_INPUT;
  }
  const pool = new ConnectionPool();
  try {
    const exec = hostAccess(l, pool);
    const problems = await preflight(l, exec);
    if (problems.length) {
      printProblems(o, problems);
      return EXIT.INVALID_INPUT;
    }
    const { config } = l;
    const pki = await ensurePki(l.pkiDir, { clusterName: config.clusterName, controlPlane: config.controlPlane, nodes: config.nodes, etcd: config.etcd, apiserverVip: config.apiserverVip, serviceCidr: config.serviceCidr, clusterDomain: config.clusterDomain }, { check: o.check, renewDays: config.certRenewDays });
    if (o.json) o.log(JSON.stringify({ type: 'cluster_pki', dir: l.pkiDir, check: o.check, changed: pki.changed, warnings: pki.warnings }));
    else {
      o.log(`PKI ${l.pkiDir}: ${pki.changed.length ? `${o.check ? 'would write' : 'wrote'} ${pki.changed.length} file(s)` : 'unchanged'}`);
      for (const c of pki.changed) o.log(`  ${c.file}: ${c.reason}`);
      for (const w of pki.warnings) o.logError(`[WARNING]: ${w}`);
    }
    if (o.check && !existsSync(l.pkiDir)) {
      o.log('check mode: the PKI does not exist yet, so the playbook cannot be predicted; run without --check to create it');
      return EXIT.OK;
    }
    const { runPlaybook } = await import('../executor/run-playbook.js');
    const code = await runPlaybook({
      playbooks: [DEPLOY_PLAYBOOK],
      inventory: o.inventory,
      limit: o.limit,
      extraVars: [...o.extraVars, JSON.stringify({ kube_pki_src: l.pkiDir, etcd_pki_src: join(l.pkiDir, 'etcd'), kube_release_dir: l.releaseDir })],
      json: o.json,
      verbose: o.verbose,
      forks: o.forks,
      check: o.check,
      diff: o.diff,
      tags: [],
      skipTags: [],
      cliDefaults: o.cliDefaults,
      cliSecrets: o.cliSecrets,
      log: o.log,
    });
    if (code !== EXIT.OK || o.check) return code;
    return await verification(o, l, exec);
  } finally {
    await pool.closeAll();
  }
}

/** `drover cluster status`: the verification table at any time. */
export async function runClusterStatus(o: ClusterOptions): Promise<number> {
  const l = await load(o);
  if (typeof l === 'number') return l;
  const pool = new ConnectionPool();
  try {
    return await verification(o, l, hostAccess(l, pool));
  } finally {
    await pool.closeAll();
  }
}
