// Shared by the cluster benches (upgrade, maintenance): the machine's load next to each figure,
// timestamps of the JSON lines a drover run prints (its own events carry none), small
// statistics, and a dated section appended to test/bench/cluster-results.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../src/util/write-file-atomic.js';

const RESULTS = process.env.BENCH_RESULTS ?? join(dirname(fileURLToPath(import.meta.url)), 'cluster-results.md');

/** The 1/5/15-minute load averages, as `uptime` prints them (the machine is shared). */
export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

/** The code measured: $BENCH_COMMIT (a snapshot without .git), else HEAD, marked when the tree has local changes. */
export function codeVersion(): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

/** One JSON line of a drover run and when (ms since the run began) it arrived. */
export interface TimedEvent {
  atMs: number;
  event: Record<string, any>;
}

/** An onOutput callback for hubDrover that stamps every complete JSON line on arrival. */
export function eventClock(t0: number): { onOutput: (text: string) => void; events: TimedEvent[] } {
  const events: TimedEvent[] = [];
  let consumed = 0;
  return {
    events,
    onOutput(text) {
      const end = text.lastIndexOf('\n') + 1;
      if (end <= consumed) return;
      const atMs = Date.now() - t0;
      for (const line of text.slice(consumed, end).split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          events.push({ atMs, event: JSON.parse(line) });
        } catch {
          // not an event line
        }
      }
      consumed = end;
    },
  };
}

/** Seconds with one decimal. */
export const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** "min / median / max" of durations in ms, or "-" when there are none. */
export function spread(ms: number[]): string {
  if (!ms.length) return '-';
  const s = [...ms].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `${(s[0]! / 1000).toFixed(1)} / ${(med / 1000).toFixed(1)} / ${(s.at(-1)! / 1000).toFixed(1)} s`;
}

/** Append a dated section (heading, prose, table, notes) to cluster-results.md (or $BENCH_RESULTS), atomically. */
export function appendResults(title: string, lines: string[]): void {
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Cluster benchmarks (`npm run bench:cluster`, `bench:upgrade`, `bench:maintenance`)\n';
  writeFileAtomic(RESULTS, `${old.trimEnd()}\n\n## ${title}\n\n${lines.join('\n')}\n`);
}
