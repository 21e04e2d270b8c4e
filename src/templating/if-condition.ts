// Jinja reads the condition of `{% if %}` without a bare inline if (`{% if a if b else c %}`
// is a syntax error there; parenthesised it is fine). Ansible evaluates a `when:` as
// `{% if <when> %}`, so such a condition fails in Ansible and must fail in Drover too.

/** Patch the nunjucks parser (once per process): a bare inline if as an if-condition is an error. */
export function installIfCondition(nunjucksModule: any): void {
  const proto = nunjucksModule.parser.Parser.prototype;
  const parseIf = proto.parseIf;
  proto.parseIf = function (this: any) {
    const parseExpression = proto.parseExpression;
    this.parseExpression = function (this: any) {
      this.parseExpression = parseExpression;
      const expr = parseExpression.call(this);
      if (expr && expr.typename === 'InlineIf') this.fail("expected token 'end of statement block', got 'if'", expr.lineno, expr.colno);
      return expr;
    };
    try {
      return parseIf.call(this);
    } finally {
      this.parseExpression = parseExpression;
    }
  };
}
