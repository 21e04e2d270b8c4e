// Jinja's tests where Jinja parses them: `is` is a postfix like `|` (parse_filter_expr), so
// `x | length is odd`, `no is none | string` (the filter takes the test's result),
// `1 ** 1 is falsy` (1 ** (1 is falsy)) and `not missing is true` (not (missing is true)).
// A test takes call arguments or one bare argument without parentheses (`x is divisibleby 3`,
// `v is version '1.5', '>='`, `x is in [1, 2]`). nunjucks parsed `is` below the comparisons
// and read the test name as an expression, so the argument and any filter after it broke.

const ARG_STARTS = new Set(['string', 'int', 'float', 'boolean', 'none', 'left-bracket', 'left-curly', 'left-paren', 'symbol']);
const NOT_AN_ARG = new Set(['else', 'or', 'and']);

/** Patch the nunjucks parser (once per process): tests parse as Jinja's postfix tests. */
export function installTestArguments(nunjucksModule: any): void {
  const { nodes, lexer } = nunjucksModule;
  const Parser = nunjucksModule.parser.Parser;

  /** Jinja's parse_test: `is [not] name[.name]` with (args) or one bare primary. */
  function parseTest(this: any, node: any): any {
    const not = this.skipSymbol('not');
    // `none`, `true` and `false` are test names too (Jinja's lexer reads them as names)
    const nameTok = this.nextToken();
    if (!nameTok || ![lexer.TOKEN_SYMBOL, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN].includes(nameTok.type)) this.fail('expected test name', nameTok?.lineno, nameTok?.colno);
    let name = nameTok.value;
    while (this.skipValue(lexer.TOKEN_OPERATOR, '.')) name += '.' + this.expect(lexer.TOKEN_SYMBOL).value;
    let test: any = new nodes.Symbol(nameTok.lineno, nameTok.colno, name);
    const next = this.peekToken();
    if (next?.type === lexer.TOKEN_LEFT_PAREN) {
      test = new nodes.FunCall(nameTok.lineno, nameTok.colno, test, this.parseSignature());
    } else if (next && ARG_STARTS.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && NOT_AN_ARG.has(next.value))) {
      if (next.type === lexer.TOKEN_SYMBOL && next.value === 'is') this.fail('You cannot chain multiple tests with is', next.lineno, next.colno);
      const arg = this.parsePrimary();
      test = new nodes.FunCall(nameTok.lineno, nameTok.colno, test, new nodes.NodeList(arg.lineno, arg.colno, [arg]));
    }
    const is = new nodes.Is(node.lineno, node.colno, node, test);
    return not ? new nodes.Not(node.lineno, node.colno, is) : is;
  }

  Parser.prototype.parseFilter = function (this: any, node: any) {
    for (;;) {
      if (this.skip(lexer.TOKEN_PIPE)) {
        const name = this.parseFilterName();
        node = new nodes.Filter(name.lineno, name.colno, name, new nodes.NodeList(name.lineno, name.colno, [node].concat(this.parseFilterArgs(node))));
      } else if (this.skipSymbol('is')) {
        node = parseTest.call(this, node);
      } else return node;
    }
  };
  // an `is` left over where nunjucks parsed operands without filters (the operand of a unary minus)
  Parser.prototype.parseIs = function (this: any) {
    const node = this.parseCompare();
    return this.skipSymbol('is') ? parseTest.call(this, node) : node;
  };
}
