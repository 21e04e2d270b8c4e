// Prompts (pause, --step) are output too: their text is masked like every event.
import { maskValues } from './mask.js';
import type { Prompter } from './prompter.js';

/** The prompter with secret values replaced in every message it shows. */
export function maskingPrompter(prompter: Prompter, secrets: readonly string[]): Prompter {
  return {
    get interactive() {
      return prompter.interactive;
    },
    get assumeYes() {
      return prompter.assumeYes;
    },
    ask: (o) => prompter.ask({ ...o, message: maskValues(o.message, secrets) }),
    countdown: (o) => prompter.countdown({ ...o, message: o.message === undefined ? undefined : maskValues(o.message, secrets) }),
  };
}
