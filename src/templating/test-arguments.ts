// `x is divisibleby 3`, `v is version '1.5', '>='`, `x is in [1, 2]`: Jinja2 lets a test take
// one argument without parentheses. nunjucks parses the test name as an expression and
// chokes on the argument.

const ARG_STARTS = new Set(['string', 'int', 'float', 'boolean', 'none', 'left-bracket', 'left-curly', 'symbol']);
const NOT_AN_ARG = new Set(['else', 'or', 'and', 'if', 'is', 'not', 'in']);

/** Patch the nunjucks parser (once per process) so a test may take a bare argument. */
export function installTestArguments(nunjucksModule: any): void {
  const { nodes, lexer } = nunjucksModule;
  const Parser = nunjucksModule.parser.Parser;
  Parser.prototype.parseIs = function (this: any) {
    let node = this.parseCompare();
    if (!this.skipSymbol('is')) return node;
    const not = this.skipSymbol('not');
    const nameTok = this.peekToken();
    let test: any;
    if (nameTok?.type !== lexer.TOKEN_SYMBOL) {
      test = this.parseCompare();
    } else {
      this.nextToken();
      // as Jinja's parse_test: the name, then call arguments or one bare primary (`in [1, 2]` is not an index)
      test = new nodes.Symbol(nameTok.lineno, nameTok.colno, nameTok.value);
      const next = this.peekToken();
      if (next?.type === lexer.TOKEN_LEFT_PAREN) {
        test = new nodes.FunCall(nameTok.lineno, nameTok.colno, test, this.parseSignature());
      } else if (next && ARG_STARTS.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && NOT_AN_ARG.has(next.value))) {
        const arg = this.parsePrimary();
        test = new nodes.FunCall(nameTok.lineno, nameTok.colno, test, new nodes.NodeList(arg.lineno, arg.colno, [arg]));
      }
    }
    node = new nodes.Is(node.lineno, node.colno, node, test);
    return not ? new nodes.Not(node.lineno, node.colno, node) : node;
  };
}
