// Short, bounded probes of etcd members: every wait is capped by --probe-timeout (so a dead or
// frozen member costs seconds, not etcdctl's 120 s), and callers run them in parallel.
import type { ExecResult } from '../connections/types.js';
import type { MemberHost } from './member-host.js';
import { etcdctl, type MemberAccess } from './etcdctl.js';

/** Default seconds a probe of one member may take (connect, then each etcdctl call). */
export const DEFAULT_PROBE_TIMEOUT_S = 5;

/** The outcome of one probe. */
export interface HealthProbe {
  host: string;
  healthy: boolean;
  reachable: boolean;
  error?: string;
  ms: number;
}

/** Reject after ms with a message naming what timed out. */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${(ms / 1000).toFixed(0)} s`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** The last line of a command's error output. */
export function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

/** Connect (bounded) and run one etcdctl command with the probe timeout; the exec is bounded too. */
export async function probeExec(m: MemberHost, access: MemberAccess, args: string, timeoutS: number): Promise<ExecResult> {
  await withDeadline(m.conn.connect(), (timeoutS + 1) * 1000, `${m.name}: ssh connect`);
  return m.exec(etcdctl(access, args, timeoutS), (2 * timeoutS + 3) * 1000);
}

/** Is this member's etcd healthy? Never throws; bounded by about twice the timeout. */
export async function probeHealth(m: MemberHost, access: MemberAccess, timeoutS: number): Promise<HealthProbe> {
  const t0 = Date.now();
  try {
    const r = await probeExec(m, access, 'endpoint health', timeoutS);
    if (r.rc === 0) return { host: m.name, healthy: true, reachable: true, ms: Date.now() - t0 };
    return { host: m.name, healthy: false, reachable: true, error: r.timedOut ? `etcdctl gave no answer within ${timeoutS} s` : lastLine(r.stderr || r.stdout), ms: Date.now() - t0 };
  } catch (err) {
    return { host: m.name, healthy: false, reachable: false, error: (err as Error).message, ms: Date.now() - t0 };
  }
}
