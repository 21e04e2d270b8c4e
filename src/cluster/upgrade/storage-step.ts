// The one-way storage step after an upgrade to 1.6: `drover cluster upgrade
// --storage-media-type application/vnd.kubernetes.protobuf` sets the flag on each apiserver,
// one host at a time, with the control-plane gates. A 1.5 apiserver cannot decode protobuf,
// so the step is refused while any apiserver (or the inventory) is still 1.5, and once done
// the control plane can no longer go back to 1.5: the step records that.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT } from '../../cli/exit-codes.js';
import { ConnectionPool } from '../../executor/connection-pool.js';
import type { Observation } from '../../runbook/plan.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import { oldGroupNames } from '../cluster-config.js';
import { hostAccess, load, type ClusterOptions, type Loaded } from '../deploy.js';
import type { PreflightProblem } from '../preflight.js';
import { verifyCluster, type HostExec } from '../verify.js';
import { adminTls, apiCall, type AdminTls } from './api.js';
import { controlPlaneGate } from './gates.js';
import { minorOf } from './options.js';
import { freshBackup, play, refuse, stateDirOf } from './run.js';

/** The only media type the step switches to (JSON is what deploy and upgrade keep). */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** How long each host's gate may take after its play. */
const GATE_TIMEOUT_MS = 60_000;

export interface StorageStepOptions extends ClusterOptions {
  mediaType: string;
  stateDir?: string;
  backupDir?: string;
}

/** The media type a kube-apiserver unit file stores with (undefined: the flag is absent). */
export const unitMediaType = (unit: string): string | undefined => /--storage-media-type=(\S*)/.exec(unit)?.[1];

/** Everything that must hold before the switch: the inventory and every apiserver at 1.6+, etcd3, etcd healthy. */
export async function storagePreflight(l: Loaded, tls: AdminTls, exec: HostExec): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  const why = 'a 1.5 apiserver cannot decode protobuf; finish the upgrade to 1.6 first';
  if ((minorOf(l.config.kubeVersion) ?? 0) < 6) problems.push({ check: 'version', subject: 'inventory', message: `kube_version is ${l.config.kubeVersion}: ${why} (then set kube_version to the 1.6 release)` });
  await Promise.all(
    l.config.controlPlane.map(async (h) => {
      const v = await apiCall(tls, h.ip, 'GET', '/version');
      const running = 'body' in v && v.status === 200 ? String(v.body?.gitVersion) : undefined;
      if (!running) problems.push({ check: 'version', subject: h.name, message: `its apiserver does not tell its version (${'error' in v ? v.error : `HTTP ${v.status}`}), so it may be 1.5` });
      else if ((minorOf(running) ?? 0) < 6) problems.push({ check: 'version', subject: h.name, message: `its apiserver runs ${running}: ${why}` });
      const unit = await exec(h.name, 'cat /etc/systemd/system/kube-apiserver.service');
      const backend = /--storage-backend=(\S*)/.exec(unit.stdout)?.[1];
      if (unit.rc !== 0) problems.push({ check: 'storage', subject: h.name, message: `cannot read the kube-apiserver unit (rc ${unit.rc}): ${unit.stderr.trim().split('\n')[0]}` });
      else if (backend !== 'etcd3') problems.push({ check: 'storage', subject: h.name, message: `kube-apiserver runs with --storage-backend=${backend ?? '(default)'}; the switch is for etcd3 only` });
    }),
  );
  const rows = await verifyCluster(l.config, l.pkiDir, exec);
  for (const r of rows.filter((x) => x.subject?.startsWith('etcd') && !x.ok)) problems.push({ check: 'etcd', subject: r.subject, message: r.what });
  return problems.sort((a, b) => `${a.check}${a.subject}`.localeCompare(`${b.check}${b.subject}`));
}

/** The gate of one host after the switch: the control-plane gate plus its unit storing protobuf. */
async function hostGate(l: Loaded, tls: AdminTls, exec: HostExec, host: string, ip: string): Promise<{ ok: boolean; observations: Observation[] }> {
  const g = await controlPlaneGate(tls, host, ip, l.config.kubeVersion);
  const unit = await exec(host, 'cat /etc/systemd/system/kube-apiserver.service');
  const media = unit.rc === 0 ? unitMediaType(unit.stdout) : undefined;
  const obs = [...g.observations, { subject: `apiserver ${host}`, what: `unit --storage-media-type=${media ?? '(unreadable or absent)'}`, ok: media === PROTOBUF }];
  return { ok: obs.every((o) => o.ok), observations: obs };
}

/** `drover cluster upgrade --storage-media-type ...`: returns the exit code. */
export async function runStorageStep(o: StorageStepOptions): Promise<number> {
  const l = await load(o);
  if (typeof l === 'number') return l;
  if (o.mediaType !== PROTOBUF) {
    o.logError(`ERROR! --storage-media-type '${o.mediaType}': the only storage step is the one-way switch to ${PROTOBUF} (deploy and upgrade keep application/json); nothing was changed`);
    return EXIT.INVALID_INPUT;
  }
  const renames = oldGroupNames(l.inventory);
  if (renames.length) {
    for (const r of renames) o.logError(`ERROR! ${l.inventory.sources.join(', ')}: ${r.old}: kubespray's old group name; rename it to ${r.now} (the upgrade playbook uses the new names)`);
    return EXIT.INVALID_INPUT;
  }
  const stateDir = stateDirOf(o, l);
  const backupDir = o.backupDir ? o.backupDir : join(stateDir, 'etcd-backups');
  const lines = [
    `PLAN storage step ${l.config.kubeVersion}: apiservers store ${PROTOBUF} (ONE-WAY: a 1.5 apiserver cannot decode it)`,
    '1. [controller] preflight: the inventory and every apiserver at 1.6 or later, etcd3, etcd healthy',
    `2. [controller] fresh verified etcd backup into ${backupDir}`,
    ...l.config.controlPlane.map((h, i) => `${i + 3}. ${h.name}: VIP moved away, kube-apiserver restarted with --storage-media-type=${PROTOBUF}; gate: an API read through ${h.name}:6443, its version, the leader locks renewing, the unit's flag`),
  ];
  if (o.json) o.log(JSON.stringify({ type: 'upgrade_storage_plan', lines }));
  else o.log(lines.join('\n'));
  const pool = new ConnectionPool();
  try {
    const exec = hostAccess(l, pool);
    const tls = adminTls(l.pkiDir);
    const problems = await storagePreflight(l, tls, exec);
    if (problems.length) return refuse(o, problems);
    const backupFile = await freshBackup(o, l, backupDir);
    if (!backupFile) return EXIT.INVALID_INPUT;
    const done: string[] = [];
    for (const h of l.config.controlPlane) {
      const t0 = Date.now();
      const code = await play(o, l, h.name, { kube_version: l.config.kubeVersion, kube_storage_media_type: PROTOBUF, upgrade_storage_step: true });
      let gate = await hostGate(l, tls, exec, h.name, h.ip);
      while (code === EXIT.OK && !gate.ok && Date.now() - t0 < GATE_TIMEOUT_MS) {
        await sleep(1000);
        gate = await hostGate(l, tls, exec, h.name, h.ip);
      }
      const ok = code === EXIT.OK && gate.ok;
      if (o.json) o.log(JSON.stringify({ type: 'upgrade_storage_host', host: h.name, ok, durationMs: Date.now() - t0, observations: gate.observations }));
      else o.log(`== ${h.name}: kube-apiserver --storage-media-type=${PROTOBUF}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      if (!ok) {
        o.logError(`stopped at ${h.name}: ${code !== EXIT.OK ? `the play failed (exit ${code})` : 'gate not met'}; switched so far: ${done.join(', ') || 'none'}`);
        for (const ob of gate.observations.filter((x) => !x.ok)) o.logError(`  ✗ ${ob.subject ? `${ob.subject}: ` : ''}${ob.what}`);
        return EXIT.HOST_FAILED;
      }
      done.push(h.name);
    }
    const record = { mediaType: PROTOBUF, oneWay: true, at: new Date().toISOString(), kubeVersion: l.config.kubeVersion, hosts: done, backup: backupFile, why: 'a 1.5 apiserver cannot decode protobuf values: the control plane cannot be rolled back to 1.5 from here (only by restoring the backup taken before the step, losing every change since)' };
    writeFileAtomic(join(stateDir, 'storage-media-type.json'), `${JSON.stringify(record, null, 2)}\n`, 0o600);
    if (o.json) o.log(JSON.stringify({ type: 'upgrade_storage', ...record }));
    else o.log(`\nSTORAGE ${PROTOBUF} on ${done.join(', ')}: ONE-WAY. ${record.why}.\nSet kube_storage_media_type: ${PROTOBUF} in the inventory so deploy and later upgrades keep it.`);
    return EXIT.OK;
  } finally {
    await pool.closeAll();
  }
}
