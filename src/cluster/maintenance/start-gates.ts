// The proof after each start stage, in the order that makes the next one safe: etcd with a
// leader, apiservers serving real reads, every node Ready by a fresh heartbeat with its
// containers unchanged, leaders elected and renewing, entrances answering real reads.
import type { Observation } from '../../runbook/plan.js';
import type { MaintenanceContext, StageName } from './context.js';
import { containersUnchanged } from './container-check.js';
import { apiCall, readLeaderLock, realRead, tcpState } from './probes.js';

/** etcd: every member reports the same, non-zero leader (asked from the first member that answers). */
async function etcdLeader(ctx: MaintenanceContext): Promise<Observation[]> {
  for (const m of ctx.config.etcd) {
    const r = await ctx.exec(m.name, '. /root/etcdctl.env && ETCDCTL_COMMAND_TIMEOUT=5s etcdctl endpoint status --cluster -w json');
    if (r.rc !== 0) continue;
    const list = JSON.parse(r.stdout) as { Endpoint: string; Status: { leader: string | number } }[];
    return ctx.config.etcd.map((e) => {
      const hit = list.find((l) => l.Endpoint.includes(`//${e.ip}:`));
      const leader = hit ? String(hit.Status.leader) : '';
      return { subject: `etcd ${e.name}`, what: hit ? `answers, leader ${leader}` : 'no status', ok: Boolean(hit) && leader !== '0' && list.every((l) => String(l.Status.leader) === leader) };
    });
  }
  return [{ subject: 'etcd', what: 'no member answers endpoint status', ok: false }];
}

/** Nodes: Ready=True with a heartbeat newer than the start of the stage, kubelet port open. */
async function nodesReady(ctx: MaintenanceContext): Promise<Observation[]> {
  const via = ctx.config.controlPlane.map((h) => h.ip);
  let items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string; lastHeartbeatTime?: string }[] } }[] | undefined;
  let error = '';
  for (const ip of via) {
    const r = await apiCall(ctx.tls, ip, 6443, 'GET', '/api/v1/nodes');
    if ('body' in r && r.status === 200) {
      items = JSON.parse(r.body).items;
      break;
    }
    error = 'error' in r ? r.error : `HTTP ${r.status}`;
  }
  // heartbeat times have second resolution
  const since = Math.floor(ctx.stageStartedAt / 1000) * 1000;
  return Promise.all(
    ctx.config.nodes.map(async (n) => {
      if (!items) return { subject: n.name, what: `cannot list nodes: ${error}`, ok: false };
      const ready = items.find((i) => i.metadata.name === n.name)?.status?.conditions?.find((c) => c.type === 'Ready');
      const beat = Date.parse(ready?.lastHeartbeatTime ?? '');
      const fresh = Number.isFinite(beat) && beat >= since;
      const port = await tcpState(n.ip, 10250);
      return { subject: n.name, what: `Ready=${ready?.status ?? 'absent'}, heartbeat ${fresh ? 'since the start' : 'older than the start'}, kubelet :10250 ${port}`, ok: ready?.status === 'True' && fresh && port === 'open' };
    }),
  );
}

/** CM and scheduler: a leader that renewed its lock after the stage began, within its lease. */
async function leadersRenewing(ctx: MaintenanceContext): Promise<Observation[]> {
  const out: Observation[] = [];
  for (const c of ['kube-controller-manager', 'kube-scheduler']) {
    const lock = await readLeaderLock(ctx.tls, ctx.config.controlPlane.map((h) => h.ip), c);
    const renewed = Date.parse(lock.renewTime ?? '');
    const ok = !lock.error && renewed >= Math.floor(ctx.stageStartedAt / 1000) * 1000 && (lock.renewedSecondsAgo ?? Infinity) <= lock.leaseSeconds;
    out.push({ subject: `${c} leader`, what: lock.error ? `lock unreadable: ${lock.error}` : `${lock.holder ?? '?'}, renewed ${Math.round(lock.renewedSecondsAgo ?? -1)} s ago${ok ? '' : ' (not since the start)'}`, ok });
  }
  return out;
}

/** Entrances: a real API read through the VIP's entrance, the port open on every host, units active. */
async function entrancesOpen(ctx: MaintenanceContext): Promise<Observation[]> {
  const out: Observation[] = [];
  if (ctx.config.apiserverVip) {
    const r = await realRead(ctx.tls, ctx.config.apiserverVip, ctx.entrancePort);
    out.push({ subject: `vip ${ctx.config.apiserverVip}:${ctx.entrancePort}`, what: r.what, ok: r.ok });
  }
  for (const h of ctx.config.controlPlane) {
    const r = await realRead(ctx.tls, h.ip, ctx.entrancePort);
    out.push({ subject: h.name, what: `entrance ${r.what}`, ok: r.ok });
    for (const u of ctx.entranceUnits) {
      const a = await ctx.exec(h.name, `systemctl is-active ${u}`);
      out.push({ subject: h.name, what: `${u}: ${a.stdout.trim() || `rc ${a.rc}`}`, ok: a.rc === 0 });
    }
  }
  return out;
}

/** Check a start stage; from the nodes on, every container must also be unchanged. */
export async function startGate(ctx: MaintenanceContext, stage: StageName): Promise<Observation[]> {
  switch (stage) {
    case 'etcd':
      return etcdLeader(ctx);
    case 'apiservers':
      return Promise.all(ctx.config.controlPlane.map(async (h) => ({ subject: h.name, ...(await realRead(ctx.tls, h.ip)) })));
    case 'nodes':
      return [...(await nodesReady(ctx)), ...(await containersUnchanged(ctx))];
    case 'control-plane':
      return [...(await leadersRenewing(ctx)), ...(await containersUnchanged(ctx))];
    case 'entrances':
      return [...(await entrancesOpen(ctx)), ...(await containersUnchanged(ctx))];
  }
}

/** One line per start gate, for the plan. */
export const START_GATE_TEXT: Record<StageName, string> = {
  etcd: 'every member answers with the same leader',
  apiservers: 'every apiserver answers a real API read (GET namespaces/kube-system)',
  nodes: 'every node Ready with a heartbeat since the start, kubelet :10250 open; every container unchanged',
  'control-plane': 'controller-manager and scheduler leaders renewed since the start, within the lease; every container unchanged',
  entrances: 'a real API read through the entrance on the VIP and every control-plane host; every container unchanged',
};
