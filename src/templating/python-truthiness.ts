// Python's truthiness in compiled templates: nunjucks compiles `if`, `not`, `and`, `or` and
// inline `x if c else y` to JavaScript's operators, for which [] and {} are true; in Jinja2
// (and so in Ansible) they are false, and `a or b` / `a and b` return an operand.
import { truthy } from './filters.js';
import { mustBeDefined, Undefined } from './undefined-value.js';

/** Python's bool(); an undefined value raises, as Ansible's StrictUndefined does. */
function pyTruthy(v: unknown): boolean {
  if (v instanceof Undefined) mustBeDefined(v);
  return truthy(v);
}

/** Patch the nunjucks compiler (once per process) so conditions test Python truthiness. */
export function installPythonTruthiness(nunjucksModule: any): void {
  const runtime = nunjucksModule.runtime;
  const nodes = nunjucksModule.nodes;
  const proto = nunjucksModule.compiler.Compiler.prototype;
  runtime.pyTruthy = pyTruthy;
  // `a or b` is a if a is truthy else b (b evaluated only then); `a and b` the reverse
  const shortCircuit = (negate: boolean) =>
    function (this: any, node: any, frame: unknown): void {
      this._emit(`((__drover_l) => ${negate ? '!' : ''}runtime.pyTruthy(__drover_l) ? __drover_l : (`);
      this.compile(node.right, frame);
      this._emit('))(');
      this.compile(node.left, frame);
      this._emit(')');
    };
  proto.compileOr = shortCircuit(false);
  proto.compileAnd = shortCircuit(true);
  proto.compileNot = function (this: any, node: any, frame: unknown): void {
    this._emit('!runtime.pyTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  proto.compileInlineIf = function (this: any, node: any, frame: unknown): void {
    this._emit('(runtime.pyTruthy(');
    this.compile(node.cond, frame);
    this._emit(') ? (');
    this.compile(node.body, frame);
    this._emit(') : (');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('""');
    this._emit('))');
  };
  // {% if %} (and elif): `not not cond` compiles to a Python truth test with the patched Not
  const compileIf = proto.compileIf;
  proto.compileIf = function (this: any, node: any, frame: unknown, async: boolean): void {
    const cond = node.cond;
    node.cond = new nodes.Not(cond.lineno, cond.colno, new nodes.Not(cond.lineno, cond.colno, cond));
    try {
      compileIf.call(this, node, frame, async);
    } finally {
      node.cond = cond;
    }
  };
}
