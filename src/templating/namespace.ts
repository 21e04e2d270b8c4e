// Jinja2's namespace(): the one object a template may change from inside a loop
// (`{% set ns.total = ns.total + x %}`), which playbook templates use to accumulate.
// nunjucks has neither the global nor attribute assignment in `set`.
import { TemplateError } from '../cli/errors.js';

/** A namespace() object: attributes set by `{% set ns.attr = v %}`. */
export class Namespace {
  [key: string]: unknown;
}

/** Patch the nunjucks compiler and runtime (once per process) and return the global. */
export function installNamespace(nunjucksModule: any): (...args: unknown[]) => Namespace {
  const { nodes, runtime } = nunjucksModule;
  runtime.droverSetAttr = (obj: unknown, key: unknown, value: unknown): void => {
    if (!(obj instanceof Namespace)) throw new TemplateError('cannot assign attribute on non-namespace object');
    obj[String(key)] = value;
  };
  const Compiler = nunjucksModule.compiler.Compiler;
  const compileSet = Compiler.prototype.compileSet;
  Compiler.prototype.compileSet = function (this: any, node: any, frame: unknown): void {
    const target = node.targets[0];
    if (node.targets.length !== 1 || !(target instanceof nodes.LookupVal)) return compileSet.call(this, node, frame);
    this._emit('runtime.droverSetAttr(');
    this._compileExpression(target.target, frame);
    this._emit(', ');
    this._compileExpression(target.val, frame);
    this._emit(', ');
    if (node.value) this._compileExpression(node.value, frame);
    else this.compile(node.body, frame);
    this._emitLine(');');
  };
  return (...args: unknown[]): Namespace => {
    const ns = new Namespace();
    for (const a of args) if (a && typeof a === 'object') for (const [k, v] of Object.entries(a)) if (k !== '__keywords') ns[k] = v;
    return ns;
  };
}
