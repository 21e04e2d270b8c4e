// The rest of Jinja2's `loop` object: previtem, nextitem, depth, depth0, cycle() and
// changed(). nunjucks binds only index, index0, revindex, revindex0, first, last, length.

/** Patch the nunjucks compiler (once per process) to bind the missing loop variables. */
export function installLoopVariables(nunjucksModule: any): void {
  const Compiler = nunjucksModule.compiler.Compiler;
  const emitLoopBindings = Compiler.prototype._emitLoopBindings;
  Compiler.prototype._emitLoopBindings = function (this: any, node: unknown, arr: string, i: string, len: string): void {
    emitLoopBindings.call(this, node, arr, i, len);
    const list = `(runtime.isArray(${arr}) ? ${arr} : [])`;
    // undefined at the ends: the lookup then yields an Undefined that `default` replaces
    this._emitLine(`frame.set("loop.previtem", ${i} > 0 ? ${list}[${i} - 1] : undefined);`);
    this._emitLine(`frame.set("loop.nextitem", ${i} < ${len} - 1 ? ${list}[${i} + 1] : undefined);`);
    this._emitLine('frame.set("loop.depth", 1); frame.set("loop.depth0", 0);');
    this._emitLine(`frame.set("loop.cycle", (...xs) => xs[${i} % xs.length]);`);
    // changed() remembers the previous call's arguments for the rest of this loop
    this._emitLine(`var ${arr}_changed; if (${i} === 0) ${arr}_changed = undefined;`);
    this._emitLine(`frame.set("loop.changed", (...xs) => { const key = JSON.stringify(xs); const changed = ${arr}_changed !== key; ${arr}_changed = key; return changed; });`);
  };
}
