// The upgrade's proofs, read from outside through the apiserver: a control-plane host serves
// API reads at the target version while the leader locks renew; a node is Ready at a version.
import { setTimeout as sleep } from 'node:timers/promises';
import type { GateResult, Observation } from '../../runbook/plan.js';
import { apiCall, listNodes, type AdminTls } from './api.js';
import { versionIs } from './options.js';

/** A leader lock of that era (an Endpoints annotation) renewed within its lease. */
async function leaderRenewing(tls: AdminTls, ip: string, component: string): Promise<Observation> {
  const subject = `${component} leader`;
  const a = await apiCall(tls, ip, 'GET', `/api/v1/namespaces/kube-system/endpoints/${component}`);
  if ('error' in a || a.status !== 200) return { subject, what: `lock unreadable: ${'error' in a ? a.error : `HTTP ${a.status}`}`, ok: false };
  const raw = a.body?.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader'];
  const rec = raw ? (JSON.parse(raw) as { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string }) : undefined;
  const age = (Date.now() - Date.parse(rec?.renewTime ?? '')) / 1000;
  const ok = Number.isFinite(age) && age <= (rec?.leaseDurationSeconds ?? 15);
  return { subject, what: rec ? `${rec.holderIdentity}, renewed ${Number.isFinite(age) ? Math.max(0, Math.round(age)) : '?'} s ago` : 'no leader annotation', ok };
}

/** The gate of one control-plane host: nodes listed through its own apiserver, its version, both leaders renewing. */
export async function controlPlaneGate(tls: AdminTls, host: string, ip: string, to: string): Promise<GateResult> {
  const [read, version] = await Promise.all([apiCall(tls, ip, 'GET', '/api/v1/nodes'), apiCall(tls, ip, 'GET', '/version')]);
  const count = 'body' in read && read.status === 200 ? (read.body.items?.length ?? 0) : undefined;
  const v = 'body' in version && version.status === 200 ? String(version.body.gitVersion) : undefined;
  const obs: Observation[] = [
    { subject: `apiserver ${host}`, what: count === undefined ? `API read failed: ${'error' in read ? read.error : `HTTP ${read.status}`}` : `listed ${count} nodes`, ok: count !== undefined },
    { subject: `apiserver ${host}`, what: `version ${v ?? 'unknown'}`, ok: versionIs(v, to) },
    await leaderRenewing(tls, ip, 'kube-controller-manager'),
    await leaderRenewing(tls, ip, 'kube-scheduler'),
  ];
  return { ok: obs.every((o) => o.ok), observations: obs };
}

/** Wait until the node is Ready and its kubelet reports `version`; the last node seen, or an error message. */
export async function waitNodeAt(tls: AdminTls, via: string, node: string, version: string, timeoutMs: number, signal?: AbortSignal): Promise<{ ok: boolean; what: string }> {
  const deadline = Date.now() + timeoutMs;
  let what = 'not seen';
  for (;;) {
    try {
      const n = (await listNodes(tls, via)).find((x) => x.name === node);
      what = n ? `Ready=${n.ready}, kubelet ${n.kubeletVersion ?? '?'}` : 'not registered';
      if (n?.ready && versionIs(n.kubeletVersion, version)) return { ok: true, what };
    } catch (err) {
      what = (err as Error).message;
    }
    if (Date.now() > deadline) return { ok: false, what };
    await sleep(1000, undefined, { signal });
  }
}
