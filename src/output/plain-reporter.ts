// Ansible-like lines for logs, cron mail and CI: TASK headers, one line per host, the recap.
import { styleText } from 'node:util';
import type { DroverEvent, HostStats, Reporter } from './events.js';
import { formatDiff } from './format-diff.js';
import { cleanResult, resultJson } from './format-result.js';

type Style = Parameters<typeof styleText>[0];

/** Writes Ansible's default-callback layout to a stream. */
export class PlainReporter implements Reporter {
  private lastTask = '';
  private check = false;

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly color = false,
    private readonly verbose = false,
  ) {}

  private paint(style: Style, text: string): string {
    return this.color ? styleText(style, text) : text;
  }

  private write(text: string): void {
    this.out.write(`${text}\n`);
  }

  private banner(title: string): void {
    const stars = '*'.repeat(Math.max(3, 79 - title.length));
    this.write(`\n${title} ${stars}`);
  }

  handle(e: DroverEvent): void {
    switch (e.type) {
      case 'playbook_start':
        this.check = e.check;
        return;
      case 'play_start':
        this.banner(`PLAY [${e.name}]${this.check ? ' [CHECK MODE]' : ''}`);
        return;
      case 'no_hosts':
        this.write(this.paint('cyan', 'skipping: no hosts matched'));
        return;
      case 'task_start': {
        const title = `${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]`;
        this.lastTask = title;
        this.banner(title);
        return;
      }
      case 'included':
        for (const h of e.hosts) this.write(this.paint('cyan', `included: ${e.file} for ${h}`));
        return;
      case 'warning':
        this.write(this.paint('magenta', `[WARNING]: ${e.message}`));
        return;
      case 'retry':
        this.write(this.paint('red', `FAILED - RETRYING: [${e.host}]: ${e.task} (${e.retries} retries left).`));
        return;
      case 'host_result':
        this.hostResult(e);
        return;
      case 'playbook_end':
        this.recap(e.stats, e.interrupted, e.interruptedHosts ?? []);
        return;
      default:
        return;
    }
  }

  private hostResult(e: Extract<DroverEvent, { type: 'host_result' }>): void {
    const host = e.delegatedTo ? `${e.host} -> ${e.delegatedTo}` : e.host;
    // facts show with the result when it is shown in full (set_fact -v, `drover run -m setup`),
    // never the play's fact gathering, which Ansible keeps quiet too
    const r = cleanResult(e.result, e.verbose && e.action !== 'gather_facts');
    const isDebug = e.action === 'debug';
    // a looped task's items were printed one by one; the aggregate adds nothing
    if (e.item === undefined && Array.isArray(e.result.results) && e.status !== 'unreachable') return;
    const item = e.item !== undefined ? ` => (item=${e.itemLabel ?? String(e.item)})` : '';
    const itemTag = e.item !== undefined ? ` (item=${e.itemLabel ?? String(e.item)})` : '';
    // --diff: the before/after of what changed (or would change) goes above the host's line, as Ansible prints it
    const diff = e.status === 'changed' ? formatDiff(e.result.diff, this.color) : '';
    if (diff) this.write(diff);
    switch (e.status) {
      case 'ok':
      case 'changed': {
        const word = e.status === 'changed' ? 'changed' : 'ok';
        const style: Style = e.status === 'changed' ? 'yellow' : 'green';
        if (isDebug || this.verbose || e.verbose) {
          const shown = isDebug ? debugView(r) : r;
          this.write(this.paint(style, `${word}: [${host}]${itemTag} => ${resultJson(shown, 4)}`));
        } else this.write(this.paint(style, `${word}: [${host}]${item}`));
        return;
      }
      case 'skipped':
        this.write(this.paint('cyan', `skipping: [${host}]${item}`));
        return;
      case 'unreachable':
        this.write(this.paint('red', `fatal: [${host}]: UNREACHABLE! => ${resultJson(r)}`));
        return;
      case 'interrupted':
        this.write(this.paint('magenta', `interrupted: [${host}]${itemTag} => ${resultJson(r)}`));
        return;
      case 'failed':
        if (e.item !== undefined) this.write(this.paint('red', `failed: [${host}]${itemTag} => ${resultJson(r)}`));
        else this.write(this.paint('red', `fatal: [${host}]: FAILED! => ${resultJson(r)}`));
        if (e.ignored && e.item === undefined) this.write(this.paint('cyan', '...ignoring'));
        return;
    }
  }

  private recap(stats: Record<string, HostStats>, interrupted: boolean, interruptedHosts: string[]): void {
    if (interrupted) this.write(this.paint('red', '\n[ERROR]: User interrupted execution'));
    if (interruptedHosts.length) this.write(this.paint('magenta', `interrupted while a task ran: ${interruptedHosts.join(', ')}`));
    this.banner('PLAY RECAP');
    for (const [host, s] of Object.entries(stats)) {
      const hostStyle: Style = s.failed || s.unreachable ? 'red' : s.changed ? 'yellow' : 'green';
      const cell = (label: string, n: number, style: Style): string => {
        const text = `${label}=${n}`.padEnd(label.length + 1 + 4);
        return n > 0 ? this.paint(style, text) : text;
      };
      this.write(
        `${this.paint(hostStyle, host.padEnd(26))} : ${cell('ok', s.ok, 'green')} ${cell('changed', s.changed, 'yellow')} ${cell('unreachable', s.unreachable, 'red')} ${cell('failed', s.failed, 'red')} ${cell('skipped', s.skipped, 'cyan')} ${cell('rescued', s.rescued, 'magenta')} ${cell('ignored', s.ignored, 'blue')}${s.interrupted ? ` ${cell('interrupted', s.interrupted, 'magenta')}` : ''}`.trimEnd(),
      );
    }
    this.write('');
  }

  async finish(): Promise<void> {}
}

/** debug shows only its message (or the var it was asked for), like Ansible. */
function debugView(r: Record<string, unknown>): Record<string, unknown> {
  const { changed: _c, failed: _f, skipped: _s, item: _i, ...rest } = r;
  return rest;
}
