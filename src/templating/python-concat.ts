// `a ~ b` is str(a) + str(b) in Jinja2: None is 'None', True is 'True', a list is its repr.
// nunjucks compiles it to JavaScript's + "" +, which gives 'null', 'true' and '1,2'.
import { pyStr } from './python-repr.js';
import { mustBeDefined, Undefined } from './undefined-value.js';

/** Python's str() of a template value; an undefined value raises as StrictUndefined does. */
export function templateStr(v: unknown): string {
  if (v instanceof Undefined) mustBeDefined(v);
  return pyStr(v instanceof String ? String(v) : v);
}

/** Patch the nunjucks compiler (once per process) so `~` concatenates Python's str() forms. */
export function installPythonConcat(nunjucksModule: any): void {
  nunjucksModule.runtime.pyConcat = (a: unknown, b: unknown): string => templateStr(a) + templateStr(b);
  nunjucksModule.compiler.Compiler.prototype.compileConcat = function (this: any, node: any, frame: unknown): void {
    this._emit('runtime.pyConcat(');
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
}
