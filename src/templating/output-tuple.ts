// `{{ a, b }}` prints the tuple `(a, b)`, as Jinja reads a print statement as a tuple; nunjucks
// stopped at the comma ("expected variable end"). It also makes `{{ x is version '1.5', '>=' }}`
// mean what Jinja makes of it (the tuple of the test's result and '>=').

/** Patch the nunjucks parser (once per process): commas after a printed expression build a tuple. */
export function installOutputTuple(nunjucksModule: any): void {
  const { nodes, lexer } = nunjucksModule;
  const Parser = nunjucksModule.parser.Parser.prototype;
  // the items after the first, read at the variable end and taken by the Output node built next
  let pending: any[] | undefined;
  const advance = Parser.advanceAfterVariableEnd;
  Parser.advanceAfterVariableEnd = function (this: any): void {
    if (this.peekToken()?.type === lexer.TOKEN_COMMA) {
      const items: any[] = [];
      while (this.skip(lexer.TOKEN_COMMA)) {
        if (this.peekToken()?.type === lexer.TOKEN_VARIABLE_END) break;
        items.push(this.parseExpression());
      }
      pending = items;
    }
    advance.call(this);
  };
  const init = nodes.Output.prototype.init;
  nodes.Output.prototype.init = function (this: any, lineno: number, colno: number, children: any[]): void {
    if (pending && children?.length === 1) {
      const tuple = new nodes.DroverTuple(lineno, colno);
      for (const c of [children[0], ...pending]) tuple.addChild(c);
      children = [tuple];
    }
    pending = undefined;
    init.call(this, lineno, colno, children);
  };
}
