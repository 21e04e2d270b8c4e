// The upgrade's preflight: everything that must hold before anything changes. A problem means
// exit 5 and no host touched. The backup comes last, after every check passed.
import type { ClusterConfig } from '../cluster-config.js';
import { checkRelease, type PreflightProblem } from '../preflight.js';
import { verifyCluster, type HostExec } from '../verify.js';
import { listNodes, type AdminTls } from './api.js';
import { minorOf, type UpgradeChoices } from './options.js';

/** Minors Drover has flag tables for. */
const KNOWN_MINORS = [5, 6];

/** The version step itself: one minor forward (or a patch release), a release we have flags for. */
export function checkVersionStep(from: string, to: string): PreflightProblem[] {
  const f = minorOf(from);
  const t = minorOf(to);
  if (t === undefined || !/^v1\.\d+\.\d+$/.test(to)) return [{ check: 'version', subject: to, message: `'${to}' is not a release version (v1.MINOR.PATCH)` }];
  if (f === undefined) return [{ check: 'version', subject: from, message: `the cluster's kube_version '${from}' is not a release version` }];
  if (t < f) return [{ check: 'version', subject: to, message: `${from} -> ${to} goes back a minor; downgrades are not upgrades (roll a node back with drover cluster rollback)` }];
  if (t - f > 1) return [{ check: 'version', subject: to, message: `${from} -> ${to} skips ${t - f - 1} minor(s): the skew rules allow one minor at a time (upgrade to 1.${f + 1} first)` }];
  if (!KNOWN_MINORS.includes(t)) return [{ check: 'version', subject: to, message: `no flag table for 1.${t} (playbooks/cluster/vars/kube-1.${t}.yml)` }];
  return [];
}

/** The media type the new apiservers must store while upgrading from `from`: JSON while a 1.5 apiserver may read the data. */
export function storagePin(from: string): Record<string, string> {
  return (minorOf(from) ?? 0) < 6 ? { kube_storage_media_type: 'application/json' } : {};
}

/** Storage flags of a running apiserver unit: etcd2 must be migrated first; protobuf is refused while 1.5 apiservers may read (upgrading from `from`). */
export function checkStorage(host: string, unit: string, from = 'v1.5.0'): PreflightProblem[] {
  const backend = /--storage-backend=(\S*)/.exec(unit)?.[1] ?? '';
  const media = /--storage-media-type=(\S*)/.exec(unit)?.[1];
  const version = /# kube-apiserver (v[^:\s]+)/.exec(unit)?.[1];
  const problems: PreflightProblem[] = [];
  if (backend !== 'etcd3') problems.push({ check: 'storage', subject: host, message: `kube-apiserver runs with --storage-backend=${backend || '(default: etcd2 in 1.5)'}: migrate the data to etcd3 first (etcdctl migrate, then --storage-backend=etcd3), a 1.6 apiserver defaults to etcd3` });
  const isProto = media !== undefined && media.includes('protobuf');
  if ((minorOf(from) ?? 0) < 6 && (isProto || (media === undefined && minorOf(version) === 6))) problems.push({ check: 'storage', subject: host, message: `kube-apiserver stores ${media ?? 'protobuf (the 1.6 default)'}: a 1.5 apiserver cannot read it; keep --storage-media-type=application/json until every apiserver runs 1.6` });
  return problems;
}

/** Every check before a change; the problems found (empty: go). */
export async function upgradePreflight(config: ClusterConfig, c: UpgradeChoices, releaseDir: string, pkiDir: string, tls: AdminTls, via: string, exec: HostExec): Promise<PreflightProblem[]> {
  const problems = checkVersionStep(config.kubeVersion, c.to);
  if (problems.length) return problems;
  problems.push(...(await checkRelease({ ...config, kubeVersion: c.to }, releaseDir)));
  try {
    const nodes = await listNodes(tls, via);
    for (const n of config.nodes) {
      const seen = nodes.find((x) => x.name === n.name);
      if (!seen) problems.push({ check: 'nodes', subject: n.name, message: 'not registered with the apiserver' });
      else if (!seen.ready && !c.allowNotReady) problems.push({ check: 'nodes', subject: n.name, message: 'is not Ready (fix it, or pass --allow-not-ready to upgrade around it)' });
      else if (seen.labels['drover.io/upgrade'] === 'failed') problems.push({ check: 'nodes', subject: n.name, message: `failed an earlier upgrade (drover.io/upgrade=failed); roll it back first: drover cluster rollback --node ${n.name}` });
      const m = minorOf(seen?.kubeletVersion);
      if (m !== undefined && (minorOf(c.to) ?? 0) - m > 1) problems.push({ check: 'version', subject: n.name, message: `kubelet ${seen!.kubeletVersion} is more than one minor behind ${c.to}` });
    }
  } catch (err) {
    problems.push({ check: 'nodes', message: `cannot list nodes: ${(err as Error).message}` });
  }
  // etcd health as the deploy's verification reads it (etcdctl on a member)
  const rows = await verifyCluster(config, pkiDir, exec);
  for (const r of rows.filter((x) => x.subject?.startsWith('etcd') && !x.ok)) problems.push({ check: 'etcd', subject: r.subject, message: r.what });
  await Promise.all(
    config.controlPlane.map(async (h) => {
      const r = await exec(h.name, 'cat /etc/systemd/system/kube-apiserver.service');
      if (r.rc !== 0) problems.push({ check: 'storage', subject: h.name, message: `cannot read the kube-apiserver unit (rc ${r.rc}): ${r.stderr.trim().split('\n')[0]}` });
      else problems.push(...checkStorage(h.name, r.stdout, config.kubeVersion));
    }),
  );
  return problems;
}
