// Ctrl-C and SIGTERM during a run: the first stops the commands Drover started (the
// connections kill their process groups) and says what the run is waiting for; a second one
// quits at once (local groups are still killed on exit, remote kills are already on their way).
import { EXIT } from '../cli/exit-codes.js';
import type { RunningCommands } from './running-commands.js';

export interface InterruptOptions {
  abort: AbortController;
  running: RunningCommands;
  /** Where the waiting message goes (stderr: stdout belongs to the reporter). */
  write(line: string): void;
  exit?: (code: number) => never;
}

/** "2 running commands on host1, host2", or undefined when nothing runs. */
export function waitingFor(running: RunningCommands): string | undefined {
  const n = running.count;
  if (!n) return undefined;
  return `${n} running command${n === 1 ? '' : 's'} on ${running.hosts.join(', ')}`;
}

/** Installs the SIGINT/SIGTERM handlers for one run; returns their removal. */
export function handleInterrupts({ abort, running, write, exit = (code) => process.exit(code) }: InterruptOptions): () => void {
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1) {
      write(`drover: ${signal} again, quitting now`);
      exit(EXIT.INTERRUPTED);
    }
    const what = waitingFor(running);
    write(`drover: ${signal}: ${what ? `waiting for ${what} to stop` : 'stopping'} (press Ctrl-C again to quit at once)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
