// Starts apiserver-probe.ts in the hub network against each control-plane host's own
// apiserver, and reads what it saw: which requests failed, how, and which version answered.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ProbeConfig, ProbeSample } from './apiserver-probe.js';
import type { UpgradeWorld } from './upgrade-harness.js';

const PROBE = join(fileURLToPath(new URL('.', import.meta.url)), 'apiserver-probe.ts');

/** What the probe reads on every apiserver: objects created under 1.5 and kept written by the cluster. */
export const PROBE_READS = ['/api/v1/nodes', '/api/v1/namespaces/default/pods', '/api/v1/namespaces/default/configmaps', '/api/v1/namespaces/default/secrets/u1-secret', '/api/v1/namespaces/kube-system/endpoints/kube-controller-manager'];

/** The configmaps the probe patches, one per host ("u1-probe-cp1"...): create them under 1.5 first. */
export const PROBE_WRITE_PREFIX = 'u1-probe-';

/** A running probe: the samples so far, a wait for a condition on them, and stop. */
export interface RunningProbe {
  samples(): ProbeSample[];
  /** resolves once `pred` holds for the samples so far; rejects after timeoutMs */
  until(pred: (s: ProbeSample[]) => boolean, timeoutMs: number): Promise<void>;
  stop(): Promise<ProbeSample[]>;
}

/** Poll the named hosts' apiservers until stop(); every sample is returned. */
export function startApiserverProbe(w: UpgradeWorld, hosts: string[], intervalMs = 500): RunningProbe {
  const cfg: ProbeConfig = { pkiDir: join(w.dir, 'pki', 'cluster.local'), hosts: hosts.map((name) => ({ name, ip: w.fleet.hosts.find((h) => h.name === name)!.ip })), reads: PROBE_READS, writePrefix: PROBE_WRITE_PREFIX, intervalMs };
  const child = w.fleet.hubSpawn(process.execPath, ['--import', 'tsx', PROBE, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  let exited = false;
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve(void (exited = true))));
  const samples = (): ProbeSample[] => out.split('\n').slice(0, -1).filter(Boolean).map((l) => JSON.parse(l) as ProbeSample);
  const until = async (pred: (s: ProbeSample[]) => boolean, timeoutMs: number): Promise<void> => {
    const end = Date.now() + timeoutMs;
    while (!pred(samples())) {
      if (exited || Date.now() > end) throw new Error(`the apiserver probe ${exited ? 'exited' : `did not see what was awaited within ${timeoutMs / 1000} s`}: ${err.slice(0, 2000)} ${JSON.stringify(samples().slice(-6))}`);
      await sleep(200);
    }
  };
  return {
    samples,
    until,
    async stop() {
      // a probe still starting (tsx on a loaded machine) is given time for its first round
      await until((s) => hosts.every((h) => s.some((x) => x.host === h)), 60_000).catch(() => undefined);
      child.kill('SIGTERM');
      await closed;
      const all = samples();
      if (!all.length) throw new Error(`the apiserver probe saw nothing: ${err.slice(0, 2000)}`);
      return all;
    },
  };
}

/** Per host: requests, failures by kind, the versions seen answering. */
export interface HostSummary {
  requests: number;
  ok: number;
  down: number;
  decode: ProbeSample[];
  http: ProbeSample[];
  versions: string[];
  /** ms between the first and the last "down" sample (0 when none) */
  downWindowMs: number;
}

/** Summarise the samples of each host. */
export function summarise(samples: ProbeSample[]): Record<string, HostSummary> {
  const out: Record<string, HostSummary> = {};
  for (const s of samples) {
    const h = (out[s.host] ??= { requests: 0, ok: 0, down: 0, decode: [], http: [], versions: [], downWindowMs: 0 });
    h.requests++;
    if (s.kind === 'ok') h.ok++;
    else if (s.kind === 'down') h.down++;
    else if (s.kind === 'decode') h.decode.push(s);
    else h.http.push(s);
    if (s.version && !h.versions.includes(s.version)) h.versions.push(s.version);
  }
  for (const [host, h] of Object.entries(out)) {
    const downs = samples.filter((s) => s.host === host && s.kind === 'down').map((s) => s.t);
    h.downWindowMs = downs.length ? Math.max(...downs) - Math.min(...downs) : 0;
  }
  return out;
}

/**
 * "Down" samples of a host that are NOT its own restart from `from` to `to`: every one must lie
 * after its last good answer as `from` and before its first good answer as `to`.
 */
export function downOutsideOwnRestart(samples: ProbeSample[], host: string, from: string, to: string): ProbeSample[] {
  const mine = samples.filter((s) => s.host === host);
  const lastOld = Math.max(...mine.filter((s) => s.kind === 'ok' && s.version === from).map((s) => s.t));
  const firstNew = Math.min(...mine.filter((s) => s.kind === 'ok' && s.version === to).map((s) => s.t));
  return mine.filter((s) => s.kind === 'down' && !(s.t > lastOld && s.t < firstNew));
}

/** Reads that succeeded on an apiserver answering `old` while another one already answered `now` (the mixed window). */
export function mixedReads(samples: ProbeSample[], old: string, now: string): number {
  const firstNew = Math.min(...samples.filter((s) => s.kind === 'ok' && s.version === now).map((s) => s.t));
  return samples.filter((s) => s.kind === 'ok' && s.method === 'GET' && s.version === old && s.t > firstNew).length;
}
