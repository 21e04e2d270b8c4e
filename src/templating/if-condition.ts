// Jinja reads the condition of `{% if %}` without a bare inline if (`{% if a if b else c %}`
// is a syntax error there; parenthesised it is fine). Ansible evaluates a `when:` as
// `{% if <when> %}`, so such a condition fails in Ansible and must fail in Drover too.
// A comma makes the condition a tuple, as in Jinja.

/** Patch the nunjucks parser (once per process): a bare inline if as an if-condition is an error. */
export function installIfCondition(nunjucksModule: any): void {
  const { lexer, nodes } = nunjucksModule;
  const proto = nunjucksModule.parser.Parser.prototype;
  const parseIf = proto.parseIf;
  proto.parseIf = function (this: any) {
    const parseExpression = proto.parseExpression;
    this.parseExpression = function (this: any) {
      this.parseExpression = parseExpression;
      const expr = parseExpression.call(this);
      if (expr && expr.typename === 'InlineIf') this.fail("expected token 'end of statement block', got 'if'", expr.lineno, expr.colno);
      // Jinja reads a tuple here (`{% if a, b %}`): a non-empty tuple, always true
      if (!this.skip(lexer.TOKEN_COMMA)) return expr;
      const items = [expr];
      do items.push(parseExpression.call(this));
      while (this.skip(lexer.TOKEN_COMMA));
      return new nodes.Array(expr.lineno, expr.colno, items);
    };
    try {
      return parseIf.call(this);
    } finally {
      this.parseExpression = parseExpression;
    }
  };
}
