// `drover cluster guard`: the outage rule. When no apiserver answers a real API read for
// --grace seconds, stop controller-manager and scheduler everywhere (they would act on a
// broken view); once every apiserver answers again, start them, unless an operator's
// `cluster stop` holds them down. Each action is notified. Cron it every minute, or --watch.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT } from '../../cli/exit-codes.js';
import { postWebhook } from '../../etcd/backup-notify.js';
import { ConnectionPool } from '../../executor/connection-pool.js';
import { hostAccess, load, type ClusterOptions, type Loaded } from '../deploy.js';
import type { HostExec } from '../verify.js';
import { adminTls, processRunning, readLeaderLock, realRead, type AdminTls } from './probes.js';
import { readRecord, writeDurably } from './record.js';
import { EXIT_LOCKED, maintenanceLock, runStagePlaybook, stateDirOf } from './shared.js';

export interface GuardOptions extends ClusterOptions {
  graceSeconds: number;
  watch: boolean;
  intervalSeconds: number;
  webhook?: string;
  stateDir?: string;
}

/** What the guard remembers between cron runs: since when no apiserver answered. */
interface GuardState {
  downSince?: string;
}

const COMPONENTS = ['kube-controller-manager', 'kube-scheduler'];

function readState(dir: string): GuardState {
  const p = join(dir, 'guard.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as GuardState) : {};
}

/** Which control-plane hosts still run a controller-manager or scheduler process. */
async function runningOn(exec: HostExec, hosts: string[]): Promise<{ host: string; component: string; running: boolean }[]> {
  const out = await Promise.all(hosts.flatMap((h) => COMPONENTS.map(async (c) => ({ host: h, component: c, running: (await processRunning(exec, h, `/usr/local/bin/${c}`)) === true }))));
  return out;
}

/** Poll until a condition holds or the time is up. */
async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(1000);
  }
}

/** Both leaders renewed within their lease since `since`. */
async function leadersRenewing(tls: AdminTls, ips: string[], since: number): Promise<boolean> {
  for (const c of COMPONENTS) {
    const lock = await readLeaderLock(tls, ips, c);
    if (lock.error || Date.parse(lock.renewTime ?? '') < Math.floor(since / 1000) * 1000) return false;
  }
  return true;
}

/** One look at the cluster and at most one action; returns the exit code of this round. */
async function guardRound(o: GuardOptions, l: Loaded, exec: HostExec, stateDir: string): Promise<number> {
  const lock = await maintenanceLock(stateDir, (line) => o.log(`guard: ${line}`));
  if (!lock) return EXIT_LOCKED;
  try {
    const tls = adminTls(l.pkiDir);
    const cp = l.config.controlPlane;
    const reads = await Promise.all(cp.map(async (h) => ({ subject: h.name, ...(await realRead(tls, h.ip)) })));
    const up = reads.filter((r) => r.ok).length;
    const state = readState(stateDir);
    const now = Date.now();
    const procs = await runningOn(exec, cp.map((h) => h.name));
    const notify = async (action: string, message: string): Promise<void> => {
      o.log(`guard: ${message}`);
      const body = { type: 'cluster_guard', cluster: l.config.clusterName, action, message, apiservers: reads, at: new Date().toISOString() };
      if (o.json) o.log(JSON.stringify(body));
      if (o.webhook) {
        const sent = await postWebhook(o.webhook, body);
        o.log(`guard: webhook ${sent.ok ? 'sent' : `NOT sent: ${sent.error}`}`);
      }
    };
    if (up === 0) {
      const since = state.downSince ? Date.parse(state.downSince) : now;
      if (!state.downSince) writeDurably(join(stateDir, 'guard.json'), `${JSON.stringify({ downSince: new Date(now).toISOString() })}\n`);
      const downFor = (now - since) / 1000;
      const still = procs.filter((p) => p.running);
      if (downFor < o.graceSeconds || !still.length) {
        o.log(`guard: no apiserver answers a real API read (${reads.map((r) => `${r.subject}: ${r.what}`).join('; ')}) for ${Math.round(downFor)} s (grace ${o.graceSeconds} s); ${still.length ? 'waiting' : 'controller-manager and scheduler already stopped'}`);
        return EXIT.OK;
      }
      await runStagePlaybook(o, 'stop', 'control-plane');
      const gone = await until(async () => (await runningOn(exec, cp.map((h) => h.name))).every((p) => !p.running), 15_000);
      await notify('stopped', `no apiserver answered for ${Math.round(downFor)} s: controller-manager and scheduler ${gone ? 'stopped' : 'NOT all stopped'} on ${cp.map((h) => h.name).join(', ')}`);
      return gone ? EXIT.OK : EXIT.HOST_FAILED;
    }
    if (state.downSince) writeDurably(join(stateDir, 'guard.json'), '{}\n');
    const missing = procs.filter((p) => !p.running);
    if (!missing.length) {
      o.log(`guard: ${up}/${cp.length} apiservers answer; controller-manager and scheduler run on every control-plane host`);
      return EXIT.OK;
    }
    const record = readRecord(stateDir);
    if (record.stopped.includes('control-plane')) {
      o.log(`guard: controller-manager and scheduler were stopped by cluster stop (${record.by}, ${record.at}, reason: ${record.reason ?? '-'}); the guard starts nothing`);
      return EXIT.OK;
    }
    if (up < cp.length) {
      o.log(`guard: ${up}/${cp.length} apiservers answer a real API read; waiting for all before starting controller-manager and scheduler`);
      return EXIT.OK;
    }
    const t0 = Date.now();
    await runStagePlaybook(o, 'start', 'control-plane');
    const ok = await until(() => leadersRenewing(tls, cp.map((h) => h.ip), t0), 60_000);
    await notify('started', `every apiserver answers again: controller-manager and scheduler started${ok ? ', leaders renewing' : ' but NO leader renewed within 60 s'}`);
    return ok ? EXIT.OK : EXIT.HOST_FAILED;
  } finally {
    await lock.release();
  }
}

/** Run the guard once (cron) or until SIGINT/SIGTERM (--watch); returns the exit code. */
export async function runClusterGuard(o: GuardOptions): Promise<number> {
  const l = await load(o);
  if (typeof l === 'number') return l;
  const stateDir = stateDirOf(o, l);
  const pool = new ConnectionPool();
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (;;) {
      let code: number;
      try {
        code = await guardRound(o, l, hostAccess(l, pool), stateDir);
      } catch (err) {
        o.logError(`guard: ${(err as Error).message}`);
        code = EXIT.HOST_FAILED;
      }
      if (!o.watch) return code;
      try {
        await sleep(o.intervalSeconds * 1000, undefined, { signal: ac.signal });
      } catch {
        return EXIT.OK;
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await pool.closeAll();
  }
}
