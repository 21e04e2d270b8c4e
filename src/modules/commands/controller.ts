// Modules that run on the controller only: debug, set_fact, assert, fail, pause.
import { setTimeout as sleep } from 'node:timers/promises';
import { TemplateError } from '../../cli/errors.js';
import { PromptInterrupted } from '../../output/prompter.js';
import type { ModuleDef, ModuleResult } from '../types.js';
import { stamp } from './run-command.js';

function truthy(v: unknown): boolean {
  if (typeof v === 'string') return !['', 'false', 'no', 'off', '0', 'none'].includes(v.trim().toLowerCase());
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** debug: print a message or a variable. */
export const debugModule: ModuleDef = {
  name: 'debug',
  controllerOnly: true,
  supportsCheck: true,
  args: { msg: { type: 'raw' }, var: { type: 'str' }, verbosity: { type: 'int', default: 0 } },
  async run(ctx) {
    if (ctx.verbosity < Number(ctx.args.verbosity ?? 0)) return { changed: false, skipped: true, skipped_reason: 'Verbosity threshold not met.' };
    if (ctx.args.var !== undefined && ctx.args.msg !== undefined) return { changed: false, failed: true, msg: "'msg' and 'var' are incompatible options" };
    if (ctx.args.var !== undefined) {
      const name = String(ctx.args.var);
      let value: unknown;
      try {
        value = ctx.evaluate(name);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        value = 'VARIABLE IS NOT DEFINED!';
      }
      return { changed: false, [name]: value };
    }
    return { changed: false, msg: ctx.args.msg ?? 'Hello world!' };
  },
};

/** set_fact: new host variables (open arguments). */
export const setFactModule: ModuleDef = {
  name: 'set_fact',
  controllerOnly: true,
  supportsCheck: true,
  args: {},
  async run(ctx) {
    const facts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ctx.args)) if (k !== 'cacheable') facts[k] = v;
    if (!Object.keys(facts).length) return { changed: false, failed: true, msg: 'No key/value pairs provided, at least one is required for this action to succeed' };
    return { changed: false, ansible_facts: facts };
  },
};

/** assert: every condition must hold. */
export const assertModule: ModuleDef = {
  name: 'assert',
  controllerOnly: true,
  supportsCheck: true,
  args: { that: { type: 'list', required: true }, fail_msg: { type: 'raw', aliases: ['msg'] }, success_msg: { type: 'raw' }, quiet: { type: 'bool', default: false } },
  async run(ctx) {
    for (const cond of ctx.args.that as unknown[]) {
      const value = typeof cond === 'boolean' ? cond : ctx.evaluate(String(cond).replace(/^\s*\{\{\s*|\s*\}\}\s*$/g, ''));
      if (!truthy(value)) {
        return { changed: false, failed: true, assertion: cond, evaluated_to: false, msg: ctx.args.fail_msg ?? 'Assertion failed' };
      }
    }
    const out: ModuleResult = { changed: false, msg: ctx.args.success_msg ?? 'All assertions passed' };
    if (ctx.args.quiet) out._ansible_verbose_always = false;
    return out;
  },
};

/** fail: stop the host with a message. */
export const failModule: ModuleDef = {
  name: 'fail',
  controllerOnly: true,
  supportsCheck: true,
  args: { msg: { type: 'raw', default: 'Failed as requested from task' } },
  async run(ctx) {
    return { changed: false, failed: true, msg: ctx.args.msg };
  },
};

/**
 * pause: wait a while (with a countdown on a terminal), or until the person at the terminal
 * presses Enter; what they typed is `user_input`, as in Ansible. A prompt is a gate, so with
 * no terminal to answer on it fails rather than passing silently (Ansible warns and goes
 * on), unless --yes or `default` gives the answer. Runs once per batch, like Ansible.
 */
export const pauseModule: ModuleDef = {
  name: 'pause',
  controllerOnly: true,
  bypassHostLoop: true,
  supportsCheck: true,
  args: {
    seconds: { type: 'float' },
    minutes: { type: 'float' },
    prompt: { type: 'str' },
    echo: { type: 'bool', default: true },
    // Drover's: the answer taken with --yes, with no terminal, or when Enter is pressed on an empty line
    default: { type: 'str' },
  },
  async run(ctx) {
    const { seconds, minutes, prompt, echo } = ctx.args as { seconds?: number; minutes?: number; prompt?: string; echo: boolean };
    const fallback = ctx.args.default as string | undefined;
    if (seconds !== undefined && minutes !== undefined) return { changed: false, failed: true, msg: 'parameters are mutually exclusive: minutes|seconds' };
    const timed = seconds !== undefined || minutes !== undefined;
    // Ansible waits at least a second
    const waitS = timed ? Math.max(1, minutes !== undefined ? minutes * 60 : seconds!) : 0;
    const hidden = echo ? '' : ' (output is hidden)';
    const start = new Date();
    let userInput = '';
    if (timed) {
      if (ctx.prompter) await ctx.prompter.countdown({ message: prompt, ms: waitS * 1000, signal: ctx.signal });
      else await sleep(waitS * 1000, undefined, { signal: ctx.signal }).catch(() => undefined);
    } else if (ctx.prompter?.assumeYes) {
      userInput = fallback ?? '';
    } else if (!ctx.prompter?.interactive) {
      if (fallback === undefined) {
        return {
          changed: false,
          failed: true,
          msg: `pause is waiting for an answer${prompt ? ` to '${prompt}'` : ''}, but stdin is not a terminal: run drover on a terminal to answer, pass --yes to take the default answer, or give the task a default`,
        };
      }
      userInput = fallback;
    } else {
      try {
        userInput = await ctx.prompter.ask({ message: `${prompt ?? 'Press enter to continue, Ctrl+C to interrupt'}${hidden}:`, echo, signal: ctx.signal });
      } catch (err) {
        if (!(err instanceof PromptInterrupted)) throw err;
      }
      if (userInput === '' && fallback !== undefined) userInput = fallback;
    }
    const stop = new Date();
    if (ctx.signal.aborted) return { changed: false, failed: true, msg: 'pause was interrupted' };
    const took = (stop.getTime() - start.getTime()) / 1000;
    const unit = minutes !== undefined || !timed ? 'minutes' : 'seconds';
    const shown = Math.round((unit === 'minutes' ? took / 60 : took) * 100) / 100;
    return { changed: false, rc: 0, stderr: '', stdout: `Paused for ${shown} ${unit}`, start: stamp(start), stop: stamp(stop), delta: Math.floor(took), echo, user_input: userInput };
  },
};
