// Timing for the benchmarks: one command under GNU time, and the median of several runs.
import { spawn } from 'node:child_process';

export interface Timed {
  seconds: number;
  /** Peak RSS of the largest process in the command's tree. */
  maxRssKb: number;
  code: number;
  /** stdout then stderr, whole (callers check answers in it). */
  out: string;
  /** The last 1500 characters of out, for error messages. */
  tail: string;
}

/** Run a command under GNU time; wall seconds, peak RSS and its output. */
export function timed(cmd: string[], env: Record<string, string> = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'MAXRSS=%M', ...cmd], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /MAXRSS=(\d+)/.exec(err);
      resolve({ seconds, maxRssKb: m ? Number(m[1]) : 0, code: code ?? 1, out: out + err, tail: (out + err).slice(-1500) });
    });
  });
}

/** The middle value (the upper one of the two middles for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
