// What a `{% for %}` iterates, as in Python: a dict gives its keys (nunjucks gave nothing for
// `{% for k in mydict %}`), and None or a number is an error instead of an empty loop.
import { TemplateError } from '../cli/errors.js';
import { pyTypeName } from './python-compare.js';
import { mustBeDefined, Undefined } from './undefined-value.js';

/** Patch the nunjucks compiler (once per process) to iterate Python's way. */
export function installForIterable(nunjucksModule: any): void {
  const { nodes, runtime } = nunjucksModule;
  const Compiler = nunjucksModule.compiler.Compiler;
  // a FunCall subclass passes the compiler's expression type check
  const Iterable = nodes.FunCall.extend('DroverIterable', { fields: ['arr', 'single'] });
  runtime.droverIterable = (arr: unknown, single: boolean): unknown => {
    if (arr instanceof Undefined) mustBeDefined(arr);
    if (arr === null || arr === undefined || typeof arr === 'number' || typeof arr === 'boolean') throw new TemplateError(`'${pyTypeName(arr)}' object is not iterable`);
    // `for k, v in dict` keeps nunjucks' key/value pairs (Drover's leniency); one name gets the keys
    if (single && typeof arr === 'object' && !Array.isArray(arr) && !(arr instanceof String) && Object.getPrototypeOf(arr) === Object.prototype) return Object.keys(arr);
    return arr;
  };
  Compiler.prototype.compileDroverIterable = function (this: any, node: any, frame: unknown): void {
    this._emit('runtime.droverIterable(');
    this._compileExpression(node.arr, frame);
    this._emit(`, ${node.single})`);
  };
  const compileFor = Compiler.prototype.compileFor;
  Compiler.prototype.compileFor = function (this: any, node: any, frame: unknown): void {
    const arr = node.arr;
    node.arr = new Iterable(arr.lineno, arr.colno, arr, !(node.name instanceof nodes.Array));
    try {
      compileFor.call(this, node, frame);
    } finally {
      node.arr = arr;
    }
  };
}
