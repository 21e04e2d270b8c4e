// The terminal view: each task is a listr2 task whose spinner runs until the next event
// closes it; host outcomes stream into its output line, failures and --diff output print
// under it, and the
// recap is printed plainly at the end. listr2 is promise-driven while our events are pushed,
// so each task awaits a deferred that the following event resolves.
import { Listr, type ListrTaskWrapper } from 'listr2';
import type { DroverEvent, Reporter } from './events.js';
import { PlainReporter } from './plain-reporter.js';
import { formatDiff } from './format-diff.js';
import { resultJson, cleanResult } from './format-result.js';

interface Running {
  done: () => void;
  failed: () => void;
  wrapper?: ListrTaskWrapper<any, any, any>;
  counts: Record<string, number>;
  lines: string[];
  /** Failures and diffs, printed under the task once it closes. */
  details: string[];
  name: string;
}

/** Live task list on a TTY, recap in Ansible's layout. */
export class LiveReporter implements Reporter {
  private chain: Promise<void> = Promise.resolve();
  private running?: Running;
  private readonly plain: PlainReporter;

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly color = true,
    verbose = false,
  ) {
    this.plain = new PlainReporter(out, color, verbose);
  }

  private closeTask(): void {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    if (r.wrapper) r.wrapper.title = `${r.name}  ${summary(r.counts)}`;
    if (r.counts.failed || r.counts.unreachable) r.failed();
    else r.done();
    const details = r.details;
    if (details.length) this.chain = this.chain.then(() => void this.out.write(`${details.join('\n')}\n`));
  }

  private startTask(name: string): void {
    let done!: () => void;
    let failed!: () => void;
    const finished = new Promise<'ok' | 'failed'>((res) => {
      done = () => res('ok');
      failed = () => res('failed');
    });
    const running: Running = { done, failed, counts: {}, lines: [], details: [], name };
    this.running = running;
    const list = new Listr(
      [
        {
          title: name,
          task: async (_ctx, task) => {
            running.wrapper = task;
            const outcome = await finished;
            if (outcome === 'failed') throw new Error(`${name}: ${summary(running.counts)}`);
          },
          rendererOptions: { persistentOutput: false, bottomBar: 5 },
        },
      ],
      { exitOnError: false, rendererOptions: { showErrorMessage: false } as any },
    );
    this.chain = this.chain.then(() => list.run().then(() => undefined, () => undefined));
  }

  handle(e: DroverEvent): void {
    switch (e.type) {
      case 'task_start':
        this.closeTask();
        this.startTask(`${e.handler ? 'HANDLER' : 'TASK'} [${e.name}]`);
        return;
      case 'host_result': {
        const r = this.running;
        if (!r) return;
        const diff = e.status === 'changed' ? formatDiff(e.result.diff, this.color) : '';
        if (diff) r.details.push(`  changed: [${e.host}]${e.itemLabel ? ` (item=${e.itemLabel})` : ''}\n${diff}`);
        if (e.item !== undefined && e.status !== 'failed') return;
        if (e.item === undefined) r.counts[e.status] = (r.counts[e.status] ?? 0) + 1;
        const line = `${e.status}: [${e.host}]${e.itemLabel ? ` (item=${e.itemLabel})` : ''}`;
        r.lines.push(line);
        if (r.wrapper) r.wrapper.output = r.lines.slice(-5).join('\n');
        if ((e.status === 'failed' && e.item === undefined) || e.status === 'unreachable') {
          r.details.push(`  ${e.status === 'failed' ? (e.ignored ? 'failed (ignored)' : 'fatal') : 'unreachable'}: [${e.host}] => ${resultJson(cleanResult(e.result))}`);
        }
        return;
      }
      case 'retry':
        if (this.running?.wrapper) this.running.wrapper.output = `retrying on ${e.host} (${e.retries} left)`;
        return;
      default: {
        this.closeTask();
        const ev = e;
        this.chain = this.chain.then(() => this.plain.handle(ev));
      }
    }
  }

  async finish(): Promise<void> {
    this.closeTask();
    await this.chain;
  }
}

function summary(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
