// Remote commands in a process group of their own, so an interrupt or a timeout can end all
// of them, not only the shell. Closing an ssh channel or a pod exec stream does not stop the
// command (sshd refuses channel signals for sessions without a pty and keeps the child; the
// kubelet only closes stdin), so the command announces its group id on stderr first and the
// connection kills that group through a second channel or exec when it has to stop it.
import { quote } from './shell-quote.js';

const MARK = /\[drover-pgid:(\d+)\]\n/;

/**
 * `command` wrapped to run as the leader of its own process group. A shell that sshd started is
 * already one (sshd calls setsid); otherwise setsid(1) makes one. Without /proc or setsid the
 * command runs as before and announces nothing (then it can only be cut off, not killed).
 */
export function inProcessGroup(command: string): string {
  // the command is in the script once (a variable), so a long one does not triple
  return [
    `c=${quote(command)}`,
    'read -r s </proc/$$/stat 2>/dev/null; s=${s##*) }; set -- $s',
    `if [ "$3" = "$$" ]; then printf '[drover-pgid:%s]\\n' $$ >&2; exec sh -c "$c"`,
    `elif command -v setsid >/dev/null 2>&1; then exec 3<&0; setsid sh -c ${quote(`printf "[drover-pgid:%s]\\n" $$ >&2; exec sh -c "$1"`)} drover "$c" <&3 3<&- & wait $!`,
    'else exec sh -c "$c"; fi',
  ].join('\n');
}

/** A script that ends process groups: TERM, up to two seconds to exit, then KILL. */
export function killGroupsScript(pgids: number[]): string {
  const groups = pgids.map((g) => `-${g}`).join(' ');
  return `kill -TERM ${groups} 2>/dev/null; i=0; while [ $i -lt 20 ] && kill -0 ${groups} 2>/dev/null; do sleep 0.1; i=$((i+1)); done; kill -KILL ${groups} 2>/dev/null; exit 0`;
}

/**
 * Watches one wrapped command's stderr for its group id and kills the group once asked to
 * stop (at once if the id is known, or as soon as it arrives).
 */
export class GroupWatch {
  pgid?: number;
  private seen = '';
  private stopping = false;
  private killing?: Promise<void>;
  private onPgid?: () => void;

  constructor(private readonly kill: (pgid: number) => Promise<void>) {}

  /** Feed stderr bytes as they arrive. */
  scan(chunk: Buffer | string): void {
    if (this.pgid !== undefined) return;
    this.seen += chunk.toString();
    const m = MARK.exec(this.seen);
    if (!m) return;
    this.pgid = Number(m[1]);
    this.seen = '';
    if (this.stopping) this.startKill();
    this.onPgid?.();
  }

  /** The command must end: kill its group (once). */
  stop(): void {
    this.stopping = true;
    if (this.pgid !== undefined) this.startKill();
  }

  private startKill(): void {
    this.killing ??= this.kill(this.pgid!).catch(() => undefined);
  }

  /** Resolves when the kill has run; a command stopped before it announced its group gets `waitMs` to do so. */
  async settled(waitMs = 1000): Promise<void> {
    if (this.stopping && this.pgid === undefined) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        this.onPgid = () => (clearTimeout(t), resolve());
      });
    }
    await this.killing;
  }
}

/**
 * One kill script per tick and become for all the groups asked for in that tick: stopping many
 * commands on one host at once then needs one more channel, not one each (sshd allows 10).
 */
export function batchedKiller<B>(run: (pgids: number[], become: B) => Promise<void>): (pgid: number, become: B) => Promise<void> {
  const pending = new Map<string, { become: B; pgids: number[]; done: Promise<void> }>();
  return (pgid, become) => {
    const key = JSON.stringify(become ?? null);
    let batch = pending.get(key);
    if (!batch) {
      const b = { become, pgids: [] as number[], done: Promise.resolve() };
      b.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        pending.delete(key);
        return run(b.pgids, b.become);
      });
      pending.set(key, (batch = b));
    }
    batch.pgids.push(pgid);
    return batch.done;
  };
}

/** stderr without the group announcement. */
export function stripGroupMark(stderr: string): string {
  return stderr.replace(MARK, '');
}
