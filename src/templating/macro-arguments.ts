// A macro parameter the call did not pass is Jinja's undefined ("parameter 'a' was not
// provided"), an error when used. nunjucks compiles parameters to JavaScript variables, so a
// missing one was JavaScript's undefined and printed as ''.
import { Undefined } from './undefined-value.js';

/** Patch the nunjucks compiler (once per process): variables bound at compile time read as undefined markers. */
export function installMacroArguments(nunjucksModule: any): void {
  nunjucksModule.runtime.droverBound = (value: unknown, name: string): unknown => (value === undefined ? new Undefined(`'parameter '${name}' was not provided'`) : value);
  const proto = nunjucksModule.compiler.Compiler.prototype;
  const compileSymbol = proto.compileSymbol;
  proto.compileSymbol = function (this: any, node: any, frame: any): void {
    const bound = frame.lookup(node.value);
    if (!bound) return compileSymbol.call(this, node, frame);
    this._emit(`runtime.droverBound(${bound}, ${JSON.stringify(node.value)})`);
  };
}
