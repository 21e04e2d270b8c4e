// Exactly one reporter owns stdout: JSON lines, the live terminal view, or plain lines.
import type { Reporter } from './events.js';
import { JsonReporter } from './json-reporter.js';
import { LiveReporter } from './live-reporter.js';
import { PlainReporter } from './plain-reporter.js';

export interface ReporterChoice {
  json: boolean;
  tty: boolean;
  color: boolean;
  verbose: boolean;
  stream?: NodeJS.WritableStream;
}

/** Pick the reporter for where the output goes. */
export function chooseReporter({ json, tty, color, verbose, stream = process.stdout }: ReporterChoice): Reporter {
  if (json) return new JsonReporter(stream);
  if (tty && !process.env.DROVER_PLAIN) return new LiveReporter(stream, color, verbose);
  return new PlainReporter(stream, color, verbose);
}
