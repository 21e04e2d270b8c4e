// `{% for x in xs if cond %}`: Jinja2 filters the items before the loop, so loop.index,
// loop.length and the `else` block see only the kept ones. nunjucks parses `xs if cond` as
// an inline if with no else and then fails on the loop variable.
import { mustBeDefined, Undefined } from './undefined-value.js';

/** Patch the nunjucks parser and compiler (once per process) for the loop filter. */
export function installForIf(nunjucksModule: any): void {
  const { nodes, runtime } = nunjucksModule;
  const Parser = nunjucksModule.parser.Parser;
  const Compiler = nunjucksModule.compiler.Compiler;
  // a FunCall subclass passes the compiler's expression type check
  const LoopFilter = nodes.FunCall.extend('DroverLoopFilter', { fields: ['arr', 'cond', 'names'] });

  const parseFor = Parser.prototype.parseFor;
  Parser.prototype.parseFor = function (this: any) {
    let cond: unknown;
    let recursive = false;
    // the first expression parseFor reads is the iterable: there `if` starts the filter, and
    // `recursive` may follow (recursive-loops.ts compiles it)
    this.parseExpression = function (this: any) {
      delete this.parseExpression;
      const arr = this.parseOr();
      if (this.skipSymbol('if')) cond = this.parseExpression();
      recursive = this.skipSymbol('recursive');
      return arr;
    };
    let node: any;
    try {
      node = parseFor.call(this);
    } finally {
      delete this.parseExpression;
    }
    if (cond) node.arr = new LoopFilter(node.arr.lineno, node.arr.colno, node.arr, cond, node.name);
    if (recursive) node.recursive = true;
    return node;
  };

  Compiler.prototype.compileDroverLoopFilter = function (this: any, node: any, frame: unknown): void {
    const names: string[] = node.names instanceof nodes.Array ? node.names.children.map((c: any) => c.value) : [node.names.value];
    this._emit('runtime.droverLoopFilter(');
    this._compileExpression(node.arr, frame);
    this._emit(', (__drover_item) => { frame = frame.push(); ');
    names.forEach((name, i) => this._emit(`frame.set(${JSON.stringify(name)}, ${names.length === 1 ? '__drover_item' : `__drover_item[${i}]`}); `));
    this._emit('try { return runtime.pyTruthy(');
    this._compileExpression(node.cond, frame);
    this._emit(`); } finally { frame = frame.pop(); } }, ${names.length})`);
  };

  runtime.droverLoopFilter = (arr: unknown, keep: (item: unknown) => boolean, names: number): unknown => {
    if (arr instanceof Undefined) mustBeDefined(arr);
    if (Array.isArray(arr)) return arr.filter(keep);
    if (typeof arr === 'string') return [...arr].filter(keep);
    if (arr && typeof arr === 'object') return (names > 1 ? Object.entries(arr) : Object.keys(arr)).filter(keep);
    return arr;
  };
}
