// The proof after each stop stage, taken from outside: closed ports, gone processes, leader
// locks nobody renews, and (after every stage) every container still running unchanged.
import type { Observation } from '../../runbook/plan.js';
import type { MaintenanceContext, StageName } from './context.js';
import { containersUnchanged } from './container-check.js';
import { localPortOpen, processRunning, readLeaderLock, tcpState } from './probes.js';

const BIN = '/usr/local/bin';

/** A port that must refuse: refused or unreachable is closed, open is not. */
async function closed(subject: string, host: string, port: number): Promise<Observation> {
  const s = await tcpState(host, port);
  return { subject, what: `${host}:${port} ${s === 'open' ? 'still accepts connections' : s}`, ok: s !== 'open' };
}

/** A loopback port on the host, and a process of a binary, both gone. */
async function goneOnHost(ctx: MaintenanceContext, host: string, label: string, binary: string, port?: number): Promise<Observation> {
  const proc = await processRunning(ctx.exec, host, binary);
  const open = port === undefined ? false : await localPortOpen(ctx.exec, host, port);
  if (typeof proc === 'object') return { subject: host, what: proc.error, ok: false };
  if (typeof open === 'object') return { subject: host, what: open.error, ok: false };
  const what = [proc ? `${label} process still running` : `${label} process gone`, port === undefined ? '' : open ? `127.0.0.1:${port} still open` : `127.0.0.1:${port} closed`].filter(Boolean).join(', ');
  return { subject: host, what, ok: !proc && !open };
}

/** Observations proving a stop stage, before the container comparison. */
async function stageObservations(ctx: MaintenanceContext, stage: StageName): Promise<Observation[]> {
  const cp = ctx.config.controlPlane;
  switch (stage) {
    case 'entrances': {
      const out = await Promise.all(cp.map((h) => closed(h.name, h.ip, ctx.entrancePort)));
      if (ctx.config.apiserverVip) out.push(await closed(`vip ${ctx.config.apiserverVip}`, ctx.config.apiserverVip, ctx.entrancePort));
      for (const h of cp)
        for (const u of ctx.entranceUnits) {
          const r = await ctx.exec(h.name, `systemctl is-active ${u}`);
          out.push({ subject: h.name, what: `${u}: ${r.stdout.trim() || `rc ${r.rc}`}`, ok: r.rc > 0 });
        }
      return out;
    }
    case 'apiservers':
      return (await Promise.all(cp.map(async (h) => [await closed(h.name, h.ip, 6443), await goneOnHost(ctx, h.name, 'kube-apiserver', `${BIN}/kube-apiserver`, 8080)]))).flat();
    case 'control-plane': {
      const out = (await Promise.all(cp.map(async (h) => [await goneOnHost(ctx, h.name, 'kube-controller-manager', `${BIN}/kube-controller-manager`, 10252), await goneOnHost(ctx, h.name, 'kube-scheduler', `${BIN}/kube-scheduler`, 10251)]))).flat();
      for (const c of ['kube-controller-manager', 'kube-scheduler']) {
        const lock = await readLeaderLock(ctx.tls, cp.map((h) => h.ip), c);
        // renewed every retry period (2 s) while a leader lives: 5 s of silence means nobody holds it
        if (lock.error) out.push({ subject: `${c} lock`, what: `unreadable: ${lock.error}`, ok: ctx.down.has('apiservers') });
        else out.push({ subject: `${c} lock`, what: `${lock.holder ?? '?'}, last renewed ${Math.round(lock.renewedSecondsAgo ?? -1)} s ago`, ok: (lock.renewedSecondsAgo ?? 0) > 5 });
      }
      return out;
    }
    case 'nodes':
      return (
        await Promise.all(
          ctx.config.nodes.map(async (n) => [await closed(n.name, n.ip, 10250), await closed(n.name, n.ip, 10255), await goneOnHost(ctx, n.name, 'kubelet', `${BIN}/kubelet`, 10248), await goneOnHost(ctx, n.name, 'kube-proxy', `${BIN}/kube-proxy`)]),
        )
      ).flat();
    case 'etcd':
      return Promise.all(ctx.config.etcd.map((m) => closed(m.name, m.ip, 2379)));
  }
}

/** Check a stop stage: its own observations plus every container unchanged. */
export async function stopGate(ctx: MaintenanceContext, stage: StageName): Promise<Observation[]> {
  return [...(await stageObservations(ctx, stage)), ...(await containersUnchanged(ctx))];
}

/** One line per stop gate, for the plan. */
export const STOP_GATE_TEXT: Record<StageName, string> = {
  entrances: 'the entrance port refuses on every control-plane host and the VIP; entrance units inactive; every container unchanged',
  apiservers: 'port 6443 and 127.0.0.1:8080 closed, no apiserver process; every container unchanged',
  'control-plane': 'no controller-manager/scheduler process or healthz port, leader locks not renewed for 5 s; every container unchanged',
  nodes: 'kubelet ports 10250/10255/10248 closed, no kubelet or kube-proxy process; every container unchanged',
  etcd: 'port 2379 closed on every member; every container unchanged',
};
