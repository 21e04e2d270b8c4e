// Exactly one reporter owns stdout: JSON lines, the live terminal view, or plain lines.
// Prompts are drawn where that reporter lets them be: inside the live view, or as plain
// lines on whichever of stdout/stderr is a terminal.
import type { Reporter } from './events.js';
import { JsonReporter } from './json-reporter.js';
import { LiveReporter } from './live-reporter.js';
import { PlainReporter } from './plain-reporter.js';
import { LineSurface, TerminalPrompter, type Prompter } from './prompter.js';

export interface ReporterChoice {
  json: boolean;
  tty: boolean;
  color: boolean;
  verbose: boolean;
  stream?: NodeJS.WritableStream;
  /** The run's interrupt, so the live view can say what it is waiting for after Ctrl-C. */
  signal?: AbortSignal;
}

/** Pick the reporter for where the output goes. */
export function chooseReporter({ json, tty, color, verbose, stream = process.stdout, signal }: ReporterChoice): Reporter {
  if (json) return new JsonReporter(stream);
  if (tty && !process.env.DROVER_PLAIN) return new LiveReporter(stream, color, verbose, signal);
  return new PlainReporter(stream, color, verbose);
}

/** The prompter for `reporter`: reads stdin when it is a terminal; --yes answers without asking. */
export function choosePrompter(reporter: Reporter, { assumeYes, json }: { assumeYes: boolean; json: boolean }): Prompter {
  if (reporter instanceof LiveReporter) return new TerminalPrompter(reporter, assumeYes);
  // JSON lines on stdout stay parseable: the prompt goes to the terminal on stderr then
  const out = !json && process.stdout.isTTY ? process.stdout : process.stderr;
  return new TerminalPrompter(new LineSurface(out), assumeYes);
}
