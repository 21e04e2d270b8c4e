// Ctrl-C and SIGTERM during `drover cluster upgrade`: the first lets the step in flight (one
// control-plane host or one node group) finish and be proven, then the run stops before the
// next one, so no node is left half-done; a second stops at once (the play is interrupted and
// a node may stay labelled in-progress, which the report names and the next run finishes); a
// third quits without waiting.
import { EXIT } from '../../cli/exit-codes.js';

/** The upgrade's view of the signals it received. */
export interface UpgradeInterrupt {
  /** Aborted when the run must stop now: a second signal, or the step in flight ended after the first. */
  readonly signal: AbortSignal;
  /** The first signal's name, once one came. */
  readonly received: NodeJS.Signals | undefined;
  /** Whether the run was stopped at once (a second signal) rather than between steps. */
  readonly hard: boolean;
  /** Call when a step has ended: after a first signal this stops the run. */
  stepEnded(): void;
  /** Remove the handlers. */
  dispose(): void;
}

/** Install the SIGINT/SIGTERM handlers for one upgrade run; `write` says what happens (stderr). */
export function upgradeInterrupts(write: (line: string) => void, exit: (code: number) => never = (code) => process.exit(code)): UpgradeInterrupt {
  const abort = new AbortController();
  let received: NodeJS.Signals | undefined;
  let count = 0;
  let hard = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    count++;
    received ??= sig;
    if (count === 1) write(`drover: ${sig}: stopping after the step in flight (press Ctrl-C again to stop it now)`);
    else if (count === 2) {
      hard = true;
      write(`drover: ${sig} again: stopping now; a node being upgraded stays labelled drover.io/upgrade=in-progress and the same command finishes it (Ctrl-C once more quits at once)`);
      abort.abort();
    } else {
      write(`drover: ${sig}: quitting now`);
      exit(EXIT.INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    get received() {
      return received;
    },
    get hard() {
      return hard;
    },
    stepEnded() {
      if (received && !abort.signal.aborted) abort.abort();
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
