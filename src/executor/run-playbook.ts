// The library behind `drover play` and `drover run`: load and validate everything first
// (so bad input runs nothing), then execute with one reporter owning stdout.
import { setMaxListeners } from 'node:events';
import { dirname, resolve } from 'node:path';
import { parseExtraVars } from '../cli/extra-vars.js';
import { stepPrompter } from '../cli/step-prompt.js';
import { EXIT } from '../cli/exit-codes.js';
import { loadInventory } from '../inventory/load-inventory.js';
import type { Inventory } from '../inventory/types.js';
import { choosePrompter, chooseReporter } from '../output/choose-reporter.js';
import type { Reporter } from '../output/events.js';
import { maskDeep, maskError } from '../output/mask.js';
import { maskingPrompter } from '../output/masking-prompter.js';
import { flattenTasks, PlaybookLoader } from '../playbook/load-playbook.js';
import type { Item, Playbook } from '../playbook/model.js';
import { createTemplar } from '../templating/templar.js';
import { checkConnectionChoice, checkStartAtTask } from './input-checks.js';
import { handleInterrupts } from './interrupt.js';
import { abortApiCallsOn } from '../kubernetes/api-deadline.js';
import { checkHandlers, PlaybookRunner } from './playbook-runner.js';
import { saveRetryFile } from './retry-file.js';
import { RunningCommands } from './running-commands.js';
import { isSecretName, secretValues } from './secret-values.js';
import { tagsSelected } from './tags.js';
import { routeYamlWarnings } from './yaml-warnings.js';

export interface PlayOptions {
  playbooks: string[];
  inventory: string[];
  limit?: string;
  extraVars: string[];
  json: boolean;
  verbose: boolean;
  connection?: string;
  forks: number;
  check: boolean;
  diff: boolean;
  tags: string[];
  skipTags: string[];
  startAtTask?: string;
  listHosts?: boolean;
  listTasks?: boolean;
  syntaxCheck?: boolean;
  color?: boolean;
  /** --yes: every pause prompt takes its default answer (or empty) without asking. */
  yes?: boolean;
  /** Print a line for list/syntax modes (the reporter owns stdout otherwise). */
  log(line: string): void;
  /** Build the playbook in memory instead of loading files (drover run). */
  inline?: Playbook;
  /** -u, -b, -K... and the config file: variables under all others (see connections/cli-defaults.ts). */
  cliDefaults?: Record<string, unknown>;
  /** Passwords typed for -k/-K: masked in every output. */
  cliSecrets?: string[];
  /** Roles search path from $DROVER_ROLES_PATH/$ANSIBLE_ROLES_PATH or the config file. */
  rolesPath?: string[];
  /** --step: ask before each task through the run's prompter. Implies the plain view (prompts between tasks, not inside one). */
  step?: boolean;
  /** Write failed/unreachable hosts to a retry file: true for NAME.retry, or this path. */
  retryFile?: true | string;
  /** The caller owns Ctrl-C/SIGTERM (a runbook stopping between its steps): no handlers here; the run stops, as on Ctrl-C, when this aborts. */
  signal?: AbortSignal;
}

function listTasks(items: Item[], filter: { only: string[]; skip: string[] }, out: string[], indent: string): void {
  for (const it of items) {
    if (it.kind === 'block') {
      listTasks(it.block, filter, out, indent);
      listTasks(it.rescue, filter, out, indent);
      listTasks(it.always, filter, out, indent);
    } else if (tagsSelected(it.ctx.tags, filter)) {
      const name = it.role ? `${it.role.name} : ${it.name ?? it.action}` : it.name ?? it.action;
      out.push(`${indent}${name}\tTAGS: [${it.ctx.tags.join(', ')}]`);
    }
  }
}

/** Abort `abort` when the caller's signal aborts; returns the listener's removal. */
function followAbort(signal: AbortSignal, abort: AbortController): () => void {
  const on = (): void => abort.abort();
  if (signal.aborted) on();
  else signal.addEventListener('abort', on, { once: true });
  return () => signal.removeEventListener('abort', on);
}

/** Load, validate and run playbooks; returns the exit code. */
export async function runPlaybook(o: PlayOptions): Promise<number> {
  const yamlWarnings = routeYamlWarnings();
  const extraVars = parseExtraVars(o.extraVars);
  const firstDir = o.inline ? o.inline.dir : dirname(resolve(o.playbooks[0]!));
  const inventory: Inventory = await loadInventory(o.inventory, { playbookDir: firstDir });
  const loader = new PlaybookLoader(o.rolesPath ?? (process.env.DROVER_ROLES_PATH ?? process.env.ANSIBLE_ROLES_PATH ?? '').split(':').filter(Boolean));
  const books = o.inline ? [o.inline] : o.playbooks.map((p) => loader.load(p));
  for (const b of books) checkHandlers(b);
  checkConnectionChoice(o.connection, extraVars);
  checkStartAtTask(books, o.startAtTask);
  const filter = { only: o.tags, skip: o.skipTags };

  if (o.syntaxCheck) {
    for (const b of books) o.log(`\nplaybook: ${b.file}`);
    return EXIT.OK;
  }
  if (o.listHosts || o.listTasks) {
    for (const b of books) {
      o.log(`\nplaybook: ${b.file}`);
      b.plays.forEach((play, i) => {
        const hosts = inventory.select(play.hosts, o.limit);
        o.log(`\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.ctx.tags.join(', ')}]`);
        if (o.listHosts) {
          o.log(`    pattern: ['${play.hosts}']`);
          o.log(`    hosts (${hosts.length}):`);
          for (const h of hosts) o.log(`      ${h}`);
        }
        if (o.listTasks) {
          const lines: string[] = [];
          for (const s of play.sections) listTasks(s, filter, lines, '      ');
          o.log('    tasks:');
          for (const l of lines) o.log(l);
          void flattenTasks;
        }
      });
    }
    return EXIT.OK;
  }

  const secrets = secretValues(inventory, extraVars);
  for (const pw of o.cliSecrets ?? []) secrets.add(pw);
  const abort = new AbortController();
  const reporter: Reporter = chooseReporter({
    json: o.json,
    tty: Boolean(process.stdout.isTTY) && !o.json && !o.step,
    color: o.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR),
    verbose: o.verbose,
    stream: process.stdout,
    signal: abort.signal,
  });
  const prompter = maskingPrompter(choosePrompter(reporter, { assumeYes: Boolean(o.yes), json: o.json }), secrets.values);
  // every running command listens on this one signal: hundreds at once with -f 100 is normal
  setMaxListeners(0, abort.signal);
  const running = new RunningCommands();
  // the first Ctrl-C stops running commands and prints the recap; a second one quits now
  const stopHandling = o.signal ? followAbort(o.signal, abort) : handleInterrupts({ abort, running, write: (line) => void process.stderr.write(`${line}\n`) });
  // Kubernetes API calls still waiting (a stalled API server) end with the first Ctrl-C too
  abortApiCallsOn(abort.signal);
  // a secret-named variable's rendered value (a lookup, a template) joins the masked set as a template reads it
  // a lookup's secret (password) joins it too; errors='warn' lookups report through the reporter
  const templar = createTemplar({
    onVariable: (name, value) => isSecretName(name) && secrets.add(value),
    onSecret: (value) => secrets.add(value),
    onWarning: (message) => reporter.handle({ type: 'warning', message }),
  });
  if (o.json) yamlWarnings.attach((message) => reporter.handle({ type: 'warning', message }));
  const retryNotes: string[] = [];
  let exitCode: number = EXIT.OK;
  try {
    for (const playbook of books) {
      const runner = new PlaybookRunner({
        playbook,
        inventory,
        templar,
        loader,
        extraVars,
        check: o.check,
        diff: o.diff,
        forks: o.forks,
        verbosity: o.verbose ? 1 : 0,
        limit: o.limit,
        tags: filter,
        startAtTask: o.startAtTask,
        cliConnection: o.connection,
        cliDefaults: o.cliDefaults,
        // the masking prompter hides secrets in the task name it shows
        step: o.step ? stepPrompter((message) => prompter.ask({ message, echo: true, signal: abort.signal })) : undefined,
        signal: abort.signal,
        prompter,
        running,
        emit: (e) => reporter.handle(maskDeep(e, secrets.values)),
        secrets,
      });
      reporter.handle({ type: 'playbook_start', file: playbook.file, check: o.check });
      const summary = await runner.run();
      const note = saveRetryFile(playbook.file, o.retryFile, summary.stats);
      if (note) retryNotes.push(note);
      exitCode = summary.exitCode;
      if (summary.interrupted || exitCode !== EXIT.OK) break;
    }
  } catch (err) {
    // the CLI prints an error's message on stderr: it must not carry a secret either
    throw maskError(err, secrets.values);
  } finally {
    await reporter.finish();
    stopHandling();
    yamlWarnings.stop();
  }
  for (const note of retryNotes) process.stderr.write(`${note}\n`);
  return exitCode;
}
