// Modules that run on the controller only: debug, set_fact, assert, fail, pause.
import { setTimeout as sleep } from 'node:timers/promises';
import { TemplateError } from '../../cli/errors.js';
import type { ModuleDef, ModuleResult } from '../types.js';

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

/** pause: wait a while (never waits for keyboard input without a terminal). */
export const pauseModule: ModuleDef = {
  name: 'pause',
  controllerOnly: true,
  supportsCheck: true,
  args: { seconds: { type: 'float' }, minutes: { type: 'float' }, prompt: { type: 'str' }, echo: { type: 'bool', default: true } },
  async run(ctx) {
    const ms = ((Number(ctx.args.minutes ?? 0) * 60) + Number(ctx.args.seconds ?? 0)) * 1000;
    const start = new Date();
    if (ms > 0) await sleep(ms, undefined, { signal: ctx.signal }).catch(() => undefined);
    const stop = new Date();
    return { changed: false, start: start.toISOString(), stop: stop.toISOString(), delta: Math.round((stop.getTime() - start.getTime()) / 1000), user_input: '', echo: ctx.args.echo, stdout: `Paused for ${(ms / 60000).toFixed(2)} minutes` };
  },
};
