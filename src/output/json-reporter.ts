// --json: one event per line, and nothing else on stdout, for CI and cron wrappers.
import type { DroverEvent, Reporter } from './events.js';

/** Writes each event as a JSON line with a timestamp. */
export class JsonReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  handle(e: DroverEvent): void {
    this.out.write(`${JSON.stringify({ ts: new Date().toISOString(), ...e })}\n`);
  }

  async finish(): Promise<void> {}
}
