// `drover cluster guard`: the outage rule. When no apiserver answers a real API read for
// --grace seconds, stop controller-manager and scheduler everywhere (they would act on a
// broken view); once every apiserver answers again, start what the guard stopped, unless an
// operator's `cluster stop` holds them down. Each action is notified. Cron it every minute, or --watch.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT } from '../../cli/exit-codes.js';
import { ConnectionPool } from '../../executor/connection-pool.js';
import type { MailSettings } from '../../util/send-mail.js';
import { hostAccess, load, type ClusterOptions, type Loaded } from '../deploy.js';
import type { HostExec } from '../verify.js';
import { byHost, GUARDED_UNITS, guardedProcesses, systemctlEverywhere } from './guard-actions.js';
import { notifyGuard, type GuardNotice } from './guard-notify.js';
import { adminTls, readLeaderLock, realRead, type AdminTls } from './probes.js';
import { readRecord, writeDurably } from './record.js';
import { EXIT_LOCKED, maintenanceLock, stateDirOf } from './shared.js';

export interface GuardOptions extends ClusterOptions {
  graceSeconds: number;
  watch: boolean;
  intervalSeconds: number;
  /** Seconds one API read may take before that apiserver counts as not answering. */
  probeTimeoutSeconds: number;
  webhook?: string;
  mail?: MailSettings;
  stateDir?: string;
}

/** What the guard remembers between cron runs. */
interface GuardState {
  /** When a round first saw no apiserver answer (cleared once one answers). */
  downSince?: string;
  /** When the guard stopped controller-manager and scheduler for the current outage (cleared once it started them again). */
  acted?: string;
  /** host/unit pairs found down while an apiserver answered: someone else's doing, never started by the guard. */
  heldDown?: string[];
}

const key = (p: { host: string; component: string }): string => `${p.host}/${p.component}`;

const statePath = (dir: string): string => join(dir, 'guard.json');

function readState(dir: string): GuardState {
  const p = statePath(dir);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as GuardState) : {};
}

function writeState(dir: string, s: GuardState): void {
  writeDurably(statePath(dir), `${JSON.stringify(s)}\n`);
}

/** Poll until a condition holds or the time is up. */
async function until(check: () => Promise<boolean>, ms: number, everyMs = 1000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(everyMs);
  }
}

/** Both leaders renewed within their lease since `since`. */
async function leadersRenewing(tls: AdminTls, ips: string[], since: number): Promise<boolean> {
  for (const c of GUARDED_UNITS) {
    const lock = await readLeaderLock(tls, ips, c);
    if (lock.error || Date.parse(lock.renewTime ?? '') < Math.floor(since / 1000) * 1000) return false;
  }
  return true;
}

/** A round's outcome: its exit code, and (with --watch) how soon the next round should look. */
interface RoundResult {
  code: number;
  nextInMs?: number;
  /** When this round last heard an apiserver answer (undefined when none answered). */
  answeredAt?: number;
}

/** One look at the cluster and at most one action. */
async function guardRound(o: GuardOptions, l: Loaded, exec: HostExec, stateDir: string, lastAnsweredAt?: number): Promise<RoundResult> {
  const lock = await maintenanceLock(stateDir, (line) => o.log(`guard: ${line}`));
  if (!lock) return { code: EXIT_LOCKED };
  try {
    const tls = adminTls(l.pkiDir);
    const cp = l.config.controlPlane;
    const hosts = cp.map((h) => h.name);
    // the reads and the process check run at once, each read bounded by --probe-timeout; the
    // round counts from when it began to look
    const now = Date.now();
    const [reads, procs] = await Promise.all([Promise.all(cp.map(async (h) => ({ subject: h.name, ...(await realRead(tls, h.ip, 6443, o.probeTimeoutSeconds * 1000)) }))), guardedProcesses(exec, hosts)]);
    const up = reads.filter((r) => r.ok).length;
    const answeredAt = up > 0 ? Date.now() : undefined;
    const state = readState(stateDir);
    const notify = async (action: GuardNotice['action'], message: string): Promise<void> => {
      o.log(`guard: ${message}`);
      const notice: GuardNotice = { type: 'cluster_guard', cluster: l.config.clusterName, action, message, apiservers: reads, at: new Date().toISOString() };
      if (o.json) o.log(JSON.stringify(notice));
      await notifyGuard({ webhook: o.webhook, mail: o.mail }, notice, o.log);
    };
    if (up === 0) {
      // "no answer for --grace seconds" counts from the last answer when this --watch guard heard
      // it less than a grace ago (so one more look always comes before acting: a single failed
      // round never stops anything); a cron run (no earlier round in memory) counts from this failure
      const recent = lastAnsweredAt !== undefined && now - lastAnsweredAt < o.graceSeconds * 1000;
      const since = state.downSince ? Date.parse(state.downSince) : recent ? lastAnsweredAt : now;
      if (!state.downSince) writeState(stateDir, { ...state, downSince: new Date(since).toISOString() });
      const downFor = (now - since) / 1000;
      const still = procs.filter((p) => p.running);
      const what = reads.map((r) => `${r.subject}: ${r.what}`).join('; ');
      if (downFor < o.graceSeconds) {
        o.log(`guard: no apiserver answers a real API read (${what}) for ${Math.round(downFor)} s (grace ${o.graceSeconds} s); waiting`);
        // with --watch, look again the moment the grace runs out rather than up to an interval later
        return { code: EXIT.OK, nextInMs: Math.max(100, since + o.graceSeconds * 1000 - Date.now()) };
      }
      // from here on this outage is the guard's: what it takes down (or what died in it) comes back with the apiservers
      const acted = state.acted ?? new Date().toISOString();
      if (!still.length) {
        writeState(stateDir, { ...state, downSince: new Date(since).toISOString(), acted });
        o.log(`guard: no apiserver answers a real API read (${what}) for ${Math.round(downFor)} s; controller-manager and scheduler already stopped`);
        return { code: EXIT.OK };
      }
      const answers = await systemctlEverywhere(exec, byHost(still), 'stop');
      writeState(stateDir, { ...state, downSince: new Date(since).toISOString(), acted });
      const gone = await until(async () => (await guardedProcesses(exec, hosts)).every((p) => !p.running), 15_000, 250);
      const failed = answers.filter((a) => !a.ok).map((a) => `${a.host}: ${a.what}`);
      await notify('stopped', `no apiserver answered for ${Math.round(downFor)} s: controller-manager and scheduler ${gone ? 'stopped' : 'NOT all stopped'} on ${hosts.join(', ')}${failed.length ? ` (${failed.join('; ')})` : ''}`);
      return { code: gone ? EXIT.OK : EXIT.HOST_FAILED };
    }
    const missing = procs.filter((p) => !p.running);
    if (!missing.length) {
      if (state.downSince || state.acted || state.heldDown?.length) writeState(stateDir, {});
      o.log(`guard: ${up}/${cp.length} apiservers answer; controller-manager and scheduler run on every control-plane host`);
      return { code: EXIT.OK, answeredAt };
    }
    if (state.downSince) writeState(stateDir, { ...state, downSince: undefined });
    const record = readRecord(stateDir);
    if (record.stopped.includes('control-plane')) {
      o.log(`guard: controller-manager and scheduler were stopped by cluster stop (${record.by}, ${record.at}, reason: ${record.reason ?? '-'}); the guard starts nothing`);
      return { code: EXIT.OK, answeredAt };
    }
    if (!state.acted) {
      // down while the API answers: an operator's (or a crash's) doing; the guard is no supervisor
      writeState(stateDir, { heldDown: missing.map(key) });
      o.log(`guard: ${missing.map((p) => `${p.component} on ${p.host}`).join(', ')} not running, but not taken down by an outage the guard handled; the guard starts nothing`);
      return { code: EXIT.OK, answeredAt };
    }
    const toStart = missing.filter((p) => !state.heldDown?.includes(key(p)));
    if (up < cp.length) {
      o.log(`guard: ${up}/${cp.length} apiservers answer a real API read; waiting for all before starting controller-manager and scheduler`);
      return { code: EXIT.OK, answeredAt };
    }
    if (!toStart.length) {
      writeState(stateDir, { heldDown: state.heldDown });
      o.log(`guard: every apiserver answers again; only ${missing.map(key).join(', ')} not running, as before the outage; the guard starts nothing`);
      return { code: EXIT.OK, answeredAt };
    }
    const t0 = Date.now();
    const answers = await systemctlEverywhere(exec, byHost(toStart), 'start');
    const failed = answers.filter((a) => !a.ok).map((a) => `${a.host}: ${a.what}`);
    const ok = !failed.length && (await until(() => leadersRenewing(tls, cp.map((h) => h.ip), t0), 60_000));
    if (ok) writeState(stateDir, { heldDown: state.heldDown });
    const held = state.heldDown?.length ? `; left down as found before the outage: ${state.heldDown.join(', ')}` : '';
    await notify('started', `every apiserver answers again: controller-manager and scheduler started on ${[...byHost(toStart).keys()].join(', ')}${ok ? ', leaders renewing' : failed.length ? ` but NOT everywhere (${failed.join('; ')})` : ' but NO leader renewed within 60 s'}${held}`);
    return { code: ok ? EXIT.OK : EXIT.HOST_FAILED, answeredAt };
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
  const exec = hostAccess(l, pool);
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let lastAnsweredAt: number | undefined;
  try {
    for (;;) {
      let r: RoundResult;
      try {
        r = await guardRound(o, l, exec, stateDir, lastAnsweredAt);
        lastAnsweredAt = r.answeredAt;
      } catch (err) {
        o.logError(`guard: ${(err as Error).message}`);
        r = { code: EXIT.HOST_FAILED };
      }
      if (!o.watch) return r.code;
      try {
        await sleep(Math.min(o.intervalSeconds * 1000, r.nextInMs ?? Infinity), undefined, { signal: ac.signal });
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
