// Jinja's `varargs` and `kwargs` inside a macro: the positional and keyword arguments the
// macro's signature does not name. As in Jinja, a macro whose body never reads them refuses
// such arguments; nunjucks dropped extra positional ones silently and had neither name.
import { TemplateError } from '../cli/errors.js';
import { pyTuple } from './python-tuple.js';

const EXTRAS = '__drover_macro_extras';

interface Accepts {
  name: string;
  varargs: boolean;
  kwargs: boolean;
}

/** Whether a parsed node tree reads the symbol (not descending into nested macros, which have their own). */
function reads(node: any, name: string, nodes: any): boolean {
  if (!node || typeof node !== 'object') return false;
  if (node instanceof nodes.Symbol) return node.value === name;
  if (node instanceof nodes.Macro) return false;
  if (Array.isArray(node)) return node.some((n) => reads(n, name, nodes));
  const fields: string[] = node.fields ?? [];
  return fields.some((f) => reads(node[f], name, nodes)) || (Array.isArray(node.children) && fields.indexOf('children') < 0 && node.children.some((n: any) => reads(n, name, nodes)));
}

/** Patch the nunjucks runtime and compiler (once per process) for varargs and kwargs. */
export function installMacroExtras(nunjucksModule: any): void {
  const { runtime, nodes } = nunjucksModule;
  const Compiler = nunjucksModule.compiler.Compiler.prototype;
  const makeMacro = runtime.makeMacro;
  runtime.makeMacro = (argNames: string[], kwargNames: string[], func: (...a: unknown[]) => unknown) => {
    const known = new Set([...argNames, ...kwargNames, 'caller', '__keywords']);
    const inner = makeMacro(argNames, kwargNames, func);
    const macro = function (this: unknown, ...args: unknown[]): unknown {
      const last = args[args.length - 1] as Record<string, unknown> | undefined;
      const keywords = last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords') ? last : undefined;
      const positional = keywords ? args.slice(0, -1) : args;
      const accepts: Accepts = (macro as any).droverAccepts ?? { name: 'macro', varargs: true, kwargs: true };
      const varargs = positional.slice(argNames.length + kwargNames.length);
      const kwargs = Object.fromEntries(Object.entries(keywords ?? {}).filter(([k]) => !known.has(k)));
      if (varargs.length && !accepts.varargs) throw new TemplateError(`macro '${accepts.name}' takes not more than ${argNames.length + kwargNames.length} argument(s)`);
      const extraKey = Object.keys(kwargs)[0];
      if (extraKey !== undefined && !accepts.kwargs) throw new TemplateError(`macro '${accepts.name}' takes no keyword argument '${extraKey}'`);
      const withExtras = runtime.makeKeywordArgs({ ...(keywords ?? {}), [EXTRAS]: { varargs: pyTuple(varargs), kwargs } });
      return inner.apply(this, [...positional, withExtras]);
    };
    return macro;
  };
  runtime.droverMacroExtra = (kwargs: Record<string, any> | undefined, name: 'varargs' | 'kwargs'): unknown => kwargs?.[EXTRAS]?.[name] ?? (name === 'varargs' ? pyTuple([]) : {});

  let depth = 0;
  const compileMacro = Compiler._compileMacro;
  Compiler._compileMacro = function (this: any, node: any, frame: any): string {
    depth++;
    let id: string;
    try {
      id = compileMacro.call(this, node, frame);
    } finally {
      depth--;
    }
    const accepts: Accepts = { name: node.name?.value ?? 'caller', varargs: reads(node.body, 'varargs', nodes), kwargs: reads(node.body, 'kwargs', nodes) };
    this._emitLine(`${id}.droverAccepts = ${JSON.stringify(accepts)};`);
    return id;
  };
  const compileSymbol = Compiler.compileSymbol;
  Compiler.compileSymbol = function (this: any, node: any, frame: any): void {
    // `kwargs` is also the compiled macro function's own parameter: the keyword object
    if (depth > 0 && (node.value === 'varargs' || node.value === 'kwargs') && !frame.lookup(node.value)) {
      this._emit(`runtime.droverMacroExtra(kwargs, ${JSON.stringify(node.value)})`);
      return;
    }
    compileSymbol.call(this, node, frame);
  };
}
