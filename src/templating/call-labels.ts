// nunjucks writes the called expression's text into the compiled JavaScript as a label for
// error messages, escaping only `"`: a string literal holding a newline or backslash
// (`'a\nb'.splitlines()`) made the compiled template invalid JavaScript.

/** Patch the nunjucks compiler (once per process) to quote call labels as JSON strings. */
export function installSafeCallLabels(nunjucksModule: any): void {
  nunjucksModule.compiler.Compiler.prototype.compileFunCall = function (this: any, node: any, frame: unknown): void {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
    this._emit('runtime.callWrap(');
    this._compileExpression(node.name, frame);
    this._emit(`, ${JSON.stringify(String(this._getNodeName(node.name)))}, context, `);
    this._compileAggregate(node.args, frame, '[', '])');
    this._emit(')');
  };
}
