// Jinja's recursive loops: `{% for x in tree recursive %}...{{ loop(x.children) }}...{% endfor %}`
// renders the loop body again over another iterable, one level deeper (loop.depth). The loop
// is compiled into a function of (iterable, depth); `loop` is callable and calls it.

/** Patch the nunjucks compiler (once per process; after the other for-loop patches, which it wraps). */
export function installRecursiveLoops(nunjucksModule: any): void {
  const { nodes } = nunjucksModule;
  const Compiler = nunjucksModule.compiler.Compiler.prototype;
  // a FunCall subclass passes the compiler's expression type check
  const RawJs = nodes.FunCall.extend('DroverRawJs', { fields: ['code'] });
  Compiler.compileDroverRawJs = function (this: any, node: any): void {
    this._emit(node.code);
  };
  // a function's own length is read-only; loop.length is set on it
  nunjucksModule.runtime.droverCallableLoop = (fn: (items: unknown) => unknown) => Object.defineProperty(fn, 'length', { value: 0, writable: true });
  // the innermost recursive loop being compiled: its function and depth names
  const stack: { fn: string; depth: string; node: unknown }[] = [];

  const emitLoopBindings = Compiler._emitLoopBindings;
  Compiler._emitLoopBindings = function (this: any, node: any, arr: string, i: string, len: string): void {
    const rec = stack[stack.length - 1];
    if (!node.recursive || rec?.node !== node) return emitLoopBindings.call(this, node, arr, i, len);
    // a callable loop object: the other bindings become its properties
    this._emitLine(`frame.set("loop", runtime.droverCallableLoop(function (items) { return ${rec.fn}(items, ${rec.depth} + 1); }));`);
    emitLoopBindings.call(this, node, arr, i, len);
    this._emitLine(`frame.set("loop.depth", ${rec.depth}); frame.set("loop.depth0", ${rec.depth} - 1);`);
  };

  const compileFor = Compiler.compileFor;
  Compiler.compileFor = function (this: any, node: any, frame: any): void {
    if (!node.recursive || stack[stack.length - 1]?.node === node) return compileFor.call(this, node, frame);
    const fn = this._tmpid();
    const items = this._tmpid();
    const depth = this._tmpid();
    // a `for ... if cond recursive` filters every level: replace the iterable inside the filter
    const holder = node.arr.typename === 'DroverLoopFilter' ? node.arr : node;
    const arr = holder.arr;
    const buffer = this.buffer;
    this.buffer = 'output';
    this._emitLine(`var ${fn} = function (${items}, ${depth}) {`);
    this._emitLine('var output = "";');
    holder.arr = new RawJs(arr.lineno, arr.colno, items);
    stack.push({ fn, depth, node });
    try {
      compileFor.call(this, node, frame);
    } finally {
      stack.pop();
      holder.arr = arr;
      this.buffer = buffer;
    }
    this._emitLine('return new runtime.SafeString(output);');
    this._emitLine('};');
    this._emit(`${buffer} += ${fn}(`);
    this._compileExpression(arr, frame);
    this._emitLine(', 1);');
  };
}
