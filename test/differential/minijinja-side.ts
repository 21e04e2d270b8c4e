// A thin adapter running cases through minijinja-js (MiniJinja's WASM build), for the
// engine comparison only: stock Jinja features, Python compatibility on, no Ansible
// filters, tests or lookups. Text and condition cases only: the value mode is Ansible's
// type conversion on top of the engine, which an adapter would have to reimplement.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Case, Outcome } from './case-types.js';

interface MiniEnv {
  renderStr(source: string, ctx: unknown): string;
  enablePyCompat(): void;
  trimBlocks: boolean;
  undefinedBehavior: string;
  keepTrailingNewline: boolean;
}

/** Load minijinja-js from `from` (a directory with node_modules) or the project's own deps. */
export function loadMinijinja(from?: string): { Environment: new () => MiniEnv; version: string } | undefined {
  const require = createRequire(from ? join(from, 'noop.js') : import.meta.url);
  try {
    const mod = require('minijinja-js') as { Environment: new () => MiniEnv };
    const version = (require('minijinja-js/package.json') as { version: string }).version;
    return { Environment: mod.Environment, version };
  } catch {
    return undefined;
  }
}

/** True for the cases the comparison can put to a bare Jinja engine. */
export function minijinjaEligible(c: Case): boolean {
  return c.builtin && (c.mode === 'text' || c.mode === 'cond');
}

function newEnv(Environment: new () => MiniEnv): MiniEnv {
  const env = new Environment();
  env.enablePyCompat();
  env.trimBlocks = true;
  env.undefinedBehavior = 'strict';
  // Ansible puts back the trailing newlines Jinja drops
  env.keepTrailingNewline = true;
  return env;
}

/** minijinja's outcome per case (undefined where not eligible). */
export function runMinijinja(Environment: new () => MiniEnv, cases: Case[]): { outcomes: (Outcome | undefined)[]; panics: number } {
  let env = newEnv(Environment);
  let panics = 0;
  // the WASM panic hook prints a Rust backtrace with console.error; the error itself is the result
  const consoleError = console.error;
  console.error = () => undefined;
  const outcomes = cases.map((c): Outcome | undefined => {
    if (!minijinjaEligible(c)) return undefined;
    try {
      if (c.mode === 'text') return { value: { t: 'str', v: env.renderStr(c.input, c.vars ?? {}) } };
      const out = env.renderStr(`{% if ${c.input} %}True{% else %}False{% endif %}`, c.vars ?? {});
      return { value: { t: 'bool', v: out === 'True' } };
    } catch (err) {
      const message = String((err as Error)?.message ?? err);
      // a Rust panic (e.g. `x is divisibleby 0`) leaves the environment borrowed for good
      if (/panicked|unreachable/.test(message)) {
        panics++;
        env = newEnv(Environment);
      }
      return { error: { class: 'MinijinjaError', message: message.slice(0, 600) } };
    }
  });
  console.error = consoleError;
  return { outcomes, panics };
}
