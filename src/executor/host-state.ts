// Per-host run state the executor mutates as tasks finish.
import { emptyStats, type HostStats } from '../output/events.js';

/** One host's progress through a play. */
export class HostState {
  failed = false;
  unreachable = false;
  /** A task of this host was cut off by Ctrl-C/SIGTERM. */
  interrupted = false;
  /** meta: end_host, or the play ended for everyone. */
  ended = false;
  readonly stats: HostStats = emptyStats();

  constructor(readonly name: string) {}

  /** Still takes tasks. */
  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended && !this.interrupted;
  }
}
