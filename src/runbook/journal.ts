// A runbook's journal: one JSON line per finished stage, appended and fsync'd, so the same
// command run again resumes after the last proven stage (kill -9 loses at most the stage in
// flight). A journal written by a different plan is never resumed silently.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Observation } from './plan.js';

export interface JournalEntry {
  stage: string;
  status: 'done';
  at: string;
  observations: Observation[];
}

interface Header {
  plan: string;
  started: string;
}

/** Thrown when the journal on disk belongs to another plan. */
export class JournalMismatchError extends Error {}

export class Journal {
  private readonly done = new Map<string, JournalEntry>();

  private constructor(
    readonly path: string,
    readonly header: Header,
  ) {}

  /** Open (or start) the journal at `path` for the plan with this fingerprint; `fresh` discards an old one. */
  static open(path: string, fingerprint: string, { fresh = false, now = new Date() } = {}): Journal {
    mkdirSync(dirname(path), { recursive: true });
    if (!fresh && existsSync(path)) {
      const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
      const parsed: unknown[] = [];
      // A line cut short by a crash is the stage in flight: it was not finished.
      for (const l of lines) {
        try {
          parsed.push(JSON.parse(l));
        } catch {
          break;
        }
      }
      const header = parsed[0] as Header | undefined;
      if (header?.plan !== undefined) {
        if (header.plan !== fingerprint) throw new JournalMismatchError(`${path} was written by another plan (${header.plan}); rerun with the same inventory and options, or start over with --fresh`);
        const j = new Journal(path, header);
        for (const e of parsed.slice(1) as JournalEntry[]) if (e.status === 'done') j.done.set(e.stage, e);
        return j;
      }
    }
    const j = new Journal(path, { plan: fingerprint, started: now.toISOString() });
    const fd = openSync(path, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(j.header)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return j;
  }

  /** The entry of a stage finished earlier, if any. */
  finished(stage: string): JournalEntry | undefined {
    return this.done.get(stage);
  }

  /** Record a finished stage durably. */
  record(stage: string, observations: Observation[], now = new Date()): void {
    const entry: JournalEntry = { stage, status: 'done', at: now.toISOString(), observations };
    const fd = openSync(this.path, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.done.set(stage, entry);
  }
}
