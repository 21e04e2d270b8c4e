// Questions a module asks the person at the keyboard (pause). The answer is read from the
// terminal in raw mode, key by key, and drawn through a surface, so the live view's
// rendering and the typed answer never fight over the screen.
import { emitKeypressEvents } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadStream } from 'node:tty';

/** One open prompt on the screen. */
export interface PromptDisplay {
  /** Redraw the whole prompt (message and what was typed so far). */
  show(text: string): void;
  close(): void;
}

/** Where prompts and countdowns are drawn: the live view's running task, or plain lines. */
export interface PromptSurface {
  open(): Promise<PromptDisplay>;
  /** A status line for the running task (a countdown); undefined removes it. */
  status(text: string | undefined): void;
}

/** What modules may ask of the person running drover. */
export interface Prompter {
  /** Someone can answer: stdin is a terminal. */
  readonly interactive: boolean;
  /** --yes: every prompt takes its default without asking. */
  readonly assumeYes: boolean;
  /** Show `message` and read one line; rejects with PromptInterrupted when the run is interrupted. */
  ask(o: { message: string; echo: boolean; signal: AbortSignal }): Promise<string>;
  /** Wait `ms`, counting down where a person can see it; returns early when the run is interrupted. */
  countdown(o: { message?: string; ms: number; signal: AbortSignal }): Promise<void>;
}

/** The run was interrupted while a prompt waited for its answer. */
export class PromptInterrupted extends Error {
  constructor() {
    super('interrupted while waiting for an answer');
    this.name = 'PromptInterrupted';
  }
}

/** "1m05s" / "7s": short enough for a status line. */
export function formatSeconds(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds));
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Reads answers from a terminal on `input`; nothing is read when it is not a TTY. */
export class TerminalPrompter implements Prompter {
  readonly interactive: boolean;

  constructor(
    private readonly surface: PromptSurface,
    readonly assumeYes: boolean,
    private readonly input: NodeJS.ReadStream = process.stdin,
  ) {
    this.interactive = Boolean((input as ReadStream).isTTY);
  }

  async ask({ message, echo, signal }: { message: string; echo: boolean; signal: AbortSignal }): Promise<string> {
    if (!this.interactive) throw new Error('no terminal to ask on: stdin is not a TTY');
    if (signal.aborted) throw new PromptInterrupted();
    const input = this.input as ReadStream;
    const display = await this.surface.open();
    let answer = '';
    const draw = (): void => display.show(`${message} ${echo ? answer : ''}`);
    emitKeypressEvents(input);
    const wasRaw = input.isRaw;
    // raw mode: the terminal neither echoes (the surface draws) nor turns Ctrl-C into SIGINT (we do)
    input.setRawMode(true);
    let onKey!: (str: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean } | undefined) => void;
    let onAbort!: () => void;
    try {
      draw();
      return await new Promise<string>((resolve, reject) => {
        onKey = (str, key) => {
          if (key?.ctrl && key.name === 'c') {
            // the run's own SIGINT handling decides (stop tasks, recap, exit 99)
            process.kill(process.pid, 'SIGINT');
            return;
          }
          if (key?.name === 'return' || key?.name === 'enter') return resolve(answer);
          if (key?.name === 'backspace') answer = Array.from(answer).slice(0, -1).join('');
          else if (key?.ctrl && key.name === 'u') answer = '';
          else if (str && !key?.ctrl && !key?.meta && str >= ' ') answer += str;
          else return;
          draw();
        };
        onAbort = () => reject(new PromptInterrupted());
        signal.addEventListener('abort', onAbort, { once: true });
        input.on('keypress', onKey);
        input.resume();
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
      input.off('keypress', onKey);
      input.setRawMode(wasRaw);
      input.pause();
      display.close();
    }
  }

  async countdown({ message, ms, signal }: { message?: string; ms: number; signal: AbortSignal }): Promise<void> {
    const end = Date.now() + ms;
    try {
      while (!signal.aborted && Date.now() < end) {
        const left = end - Date.now();
        this.surface.status(`${message ? `${message} · ` : ''}resuming in ${formatSeconds(left / 1000)} · Ctrl-C to interrupt`);
        await sleep(Math.min(1000, left), undefined, { signal }).catch(() => undefined);
      }
    } finally {
      this.surface.status(undefined);
    }
  }
}

/** Draws prompts as plain lines on a terminal stream (the plain and JSON views). */
export class LineSurface implements PromptSurface {
  private statusShown = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  async open(): Promise<PromptDisplay> {
    let headerDone = false;
    return {
      show: (text) => {
        const lines = text.split('\n');
        const last = lines.pop() ?? '';
        if (!headerDone && lines.length) this.out.write(`${lines.join('\n')}\n`);
        headerDone = true;
        this.out.write(`\r\x1b[2K${last}`);
      },
      close: () => void this.out.write('\n'),
    };
  }

  status(text: string | undefined): void {
    // only a terminal can redraw a line in place; a log gets nothing rather than one line a second
    if (!this.out.isTTY) return;
    if (text === undefined) {
      if (this.statusShown) this.out.write('\r\x1b[2K');
      this.statusShown = false;
      return;
    }
    this.out.write(`\r\x1b[2K${text}`);
    this.statusShown = true;
  }
}
