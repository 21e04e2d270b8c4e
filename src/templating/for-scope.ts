// Jinja's scoping of `{% set %}` in a loop: each iteration has its own scope, so
// `{% set total = total + x %}` inside a for neither leaks out of the loop nor carries into
// the next iteration (use namespace() for that). nunjucks wrote such a set through to the
// variable outside the loop, so templates counted and summed where Ansible's do not.

/** Patch the nunjucks compiler (once per process): a for body runs in a fresh frame per iteration. */
export function installForScope(nunjucksModule: any): void {
  const Compiler = nunjucksModule.compiler.Compiler;
  Compiler.prototype.compileDroverIterationScope = function (this: any, node: any, frame: unknown): void {
    // push(true): writes stop at this frame (nunjucks' isolateWrites), reads still see outside
    this._emitLine('frame = frame.push(true);');
    this.compile(node.body, frame);
    this._emitLine('frame = frame.pop();');
  };
  const compileFor = Compiler.prototype.compileFor;
  Compiler.prototype.compileFor = function (this: any, node: any, frame: unknown): void {
    const body = node.body;
    node.body = { typename: 'DroverIterationScope', body, lineno: body.lineno, colno: body.colno };
    try {
      compileFor.call(this, node, frame);
    } finally {
      node.body = body;
    }
  };
}
