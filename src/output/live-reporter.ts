// The terminal view: each task is a listr2 task whose spinner runs until the next event
// closes it. While it runs, its output line says how long it has run and which hosts it is
// still waiting for; when it closes, its title gets the counts and whatever the plain view
// would print with a payload (debug, failures, -v and `drover run` results, diffs, retries,
// warnings) is printed under it, rendered by the plain view itself so nothing shown there
// is missing here. listr2 is promise-driven while our events are pushed, so each task
// awaits a deferred that the following event resolves.
import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Listr, ListrPromptAdapter, ListrTaskEventType, type ListrTaskWrapper } from 'listr2';
import type { DroverEvent, Reporter } from './events.js';
import { PlainReporter } from './plain-reporter.js';
import { formatSeconds, type PromptDisplay, type PromptSurface } from './prompter.js';

type Wrapper = ListrTaskWrapper<any, any, any>;

/** Host names shown while a task runs; the rest are counted. */
const PENDING_SHOWN = 8;

/** Puts the running listr2 task into its prompt state, so the renderer draws our prompt below it. */
class LinePromptAdapter extends ListrPromptAdapter {
  run<T = void>(): T {
    this.reportStarted();
    return undefined as T;
  }

  end(): void {
    this.reportCompleted();
  }
}

/** One task while it is on screen. */
class TaskView {
  wrapper?: Wrapper;
  readonly attached: Promise<Wrapper>;
  readonly finished: Promise<void>;
  finish!: () => void;
  private attach!: (w: Wrapper) => void;
  readonly pending: Set<string>;
  readonly counts: Record<string, number> = {};
  /** Last host lines, shown while the task runs. */
  readonly recent: string[] = [];
  /** Plain-view lines printed under the task once it closes. */
  readonly details: string[] = [];
  status?: string;
  redrawing?: NodeJS.Timeout;
  readonly startedAt = Date.now();
  endedAt?: number;

  constructor(
    readonly title: string,
    readonly hosts: string[],
  ) {
    this.pending = new Set(hosts);
    this.attached = new Promise((res) => (this.attach = res));
    this.finished = new Promise((res) => (this.finish = res));
  }

  bind(w: Wrapper): void {
    this.wrapper = w;
    this.attach(w);
  }

  /** Keep a host line for the running display (only the last few are shown). */
  note(line: string): void {
    this.recent.push(line);
    if (this.recent.length > 20) this.recent.splice(0, this.recent.length - 3);
  }

  count(key: string): void {
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  /** Drawn with listr2's failure mark: some host failed, was unreachable or was cut off. */
  get failed(): boolean {
    return Boolean(this.counts.failed || this.counts.unreachable || this.counts.interrupted);
  }
}

const COUNT_ORDER = ['ok', 'changed', 'failed', 'unreachable', 'skipped', 'ignored', 'interrupted', 'included'];

/** "ok=2 changed=1 failed=1", always in the recap's order. */
function summary(counts: Record<string, number>): string {
  const keys = Object.keys(counts).sort((a, b) => COUNT_ORDER.indexOf(a) - COUNT_ORDER.indexOf(b));
  return keys.length ? keys.map((k) => `${k}=${counts[k]}`).join(' ') : 'no host results';
}

function duration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : formatSeconds(ms / 1000);
}

/** Collects what a PlainReporter writes, so its lines can be printed under a task. */
class LineCollector extends Writable {
  text = '';

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }

  take(): string {
    const t = this.text;
    this.text = '';
    return t;
  }
}

/** Live task list on a TTY, recap in Ansible's layout. */
export class LiveReporter implements Reporter, PromptSurface {
  private chain: Promise<void> = Promise.resolve();
  private running?: TaskView;
  private readonly plain: PlainReporter;
  private readonly collector = new LineCollector();
  /** Renders single events into plain-view lines for the details under a task. */
  private readonly lines: PlainReporter;
  private listrActive = 0;

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly color = true,
    private readonly verbose = false,
    private readonly signal?: AbortSignal,
  ) {
    this.plain = new PlainReporter(out, color, verbose);
    this.lines = new PlainReporter(this.collector, color, verbose);
    signal?.addEventListener('abort', () => this.running && void this.draw(this.running), { once: true });
    // a second Ctrl-C exits in the middle of a frame: give the cursor back listr2 hid
    process.once('exit', () => {
      if (this.listrActive > 0) writeSync(1, '\x1b[?25h\n');
    });
  }

  /** Render `e` the way the plain view does and keep the lines for under the task. */
  private detail(view: TaskView, e: DroverEvent): void {
    this.lines.handle(e);
    const text = this.collector.take().replace(/\n$/, '');
    if (text) view.details.push(text);
  }

  /** Results of a thousand hosts arrive in bursts: draw at most every 100 ms, not once per result. */
  private redraw(view: TaskView): void {
    if (view.redrawing) return;
    view.redrawing = setTimeout(() => {
      view.redrawing = undefined;
      if (!view.endedAt) this.draw(view);
    }, 100);
  }

  private draw(view: TaskView): void {
    if (!view.wrapper) return;
    const rows: string[] = [];
    const names = [...view.pending];
    const shown = names.slice(0, PENDING_SHOWN).join(', ') + (names.length > PENDING_SHOWN ? ` and ${names.length - PENDING_SHOWN} more` : '');
    const elapsed = formatSeconds((Date.now() - view.startedAt) / 1000);
    if (this.signal?.aborted) rows.push(`Interrupted: waiting for ${names.length ? shown : 'the task'} to stop · Ctrl-C again quits now`);
    else rows.push(`${elapsed} · ${names.length ? `waiting for ${names.length} of ${view.hosts.length}: ${shown}` : 'finishing'}`);
    if (view.status) rows.push(view.status);
    rows.push(...view.recent.slice(-3));
    view.wrapper.output = rows.join('\n');
  }

  private closeTask(): void {
    const view = this.running;
    if (!view) return;
    this.running = undefined;
    view.endedAt = Date.now();
    view.finish();
    // the details follow the task's final frame, once listr2 has released the terminal
    if (view.details.length) this.chain = this.chain.then(() => void this.out.write(`${view.details.join('\n')}\n`));
  }

  private startTask(title: string, hosts: string[]): void {
    const view = new TaskView(title, hosts);
    this.running = view;
    const list = new Listr(
      [
        {
          title,
          task: async (_ctx, task) => {
            view.bind(task);
            this.draw(view);
            const tick = setInterval(() => this.draw(view), 1000);
            try {
              await view.finished;
            } finally {
              clearInterval(tick);
            }
            // the title is set here, by the task itself, so a task that finished before
            // listr2 started it still gets its counts
            task.title = `${title}  ${summary(view.counts)}  (${duration((view.endedAt ?? Date.now()) - view.startedAt)})`;
            if (view.failed) throw new Error(task.title);
          },
          rendererOptions: { persistentOutput: false },
        },
      ],
      // the run owns SIGINT (stop tasks, recap, exit 99): listr2 would exit 127 on its own
      { exitOnError: false, registerSignalListeners: false, rendererOptions: { showErrorMessage: false } as any },
    );
    this.chain = this.chain.then(async () => {
      this.listrActive++;
      try {
        await list.run();
      } catch {
        /* a failed task is already drawn as failed */
      } finally {
        this.listrActive--;
      }
    });
  }

  handle(e: DroverEvent): void {
    const view = this.running;
    switch (e.type) {
      case 'task_start':
        this.closeTask();
        this.startTask(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]`, e.hosts);
        return;
      case 'host_result': {
        if (!view) return;
        this.detailIfShown(view, e);
        if (e.item !== undefined) {
          if (e.status === 'failed') view.note(`failed: [${e.host}] (item=${e.itemLabel ?? String(e.item)})`);
        } else {
          view.count(e.ignored ? 'ignored' : e.status);
          view.pending.delete(e.host);
          view.note(`${e.ignored ? 'failed (ignored)' : e.status}: [${e.host}]`);
        }
        this.redraw(view);
        return;
      }
      case 'retry':
        if (!view) return;
        this.detail(view, e);
        view.status = `retrying on ${e.host} (${e.retries} left)`;
        this.draw(view);
        return;
      case 'included':
      case 'warning':
        // these arrive while a task runs: keep them under it instead of ending it early
        if (!view) break;
        this.detail(view, e);
        if (e.type === 'included') {
          for (const h of e.hosts) {
            view.count('included');
            view.pending.delete(h);
          }
        }
        this.draw(view);
        return;
    }
    this.closeTask();
    this.chain = this.chain.then(() => this.plain.handle(e));
  }

  /** The plain view prints a payload for these; a bare ok/changed/skipped line is in the counts. */
  private detailIfShown(view: TaskView, e: Extract<DroverEvent, { type: 'host_result' }>): void {
    const bare = e.status === 'ok' || e.status === 'changed' || e.status === 'skipped';
    const payload =
      !bare ||
      (e.status !== 'skipped' && (e.action === 'debug' || this.verbose || e.verbose)) ||
      (e.status === 'changed' && Array.isArray(e.result.diff) && e.result.diff.length > 0);
    if (payload) this.detail(view, e);
  }

  /** A prompt is drawn below the running task by listr2 itself, which then keeps rendering. */
  async open(): Promise<PromptDisplay> {
    const view = this.running;
    if (!view) throw new Error('a prompt needs a running task');
    const wrapper = await view.attached;
    const adapter = wrapper.prompt<LinePromptAdapter>(LinePromptAdapter);
    adapter.run();
    const sink = wrapper.stdout(ListrTaskEventType.PROMPT);
    return { show: (text) => void sink.write(text), close: () => adapter.end() };
  }

  status(text: string | undefined): void {
    const view = this.running;
    if (!view) return;
    view.status = text;
    this.draw(view);
  }

  async finish(): Promise<void> {
    this.closeTask();
    await this.chain;
  }
}
