// Jinja's block set with filters, `{% set x | upper %}text{% endset %}`: the captured text
// goes through the filters before it is assigned. nunjucks' set tag refused the `|`.

/** Patch the nunjucks parser (once per process): a block set may name filters after its target. */
export function installBlockSetFilter(nunjucksModule: any): void {
  const { nodes, lexer } = nunjucksModule;
  const Parser = nunjucksModule.parser.Parser.prototype;
  const parseSet = Parser.parseSet;
  Parser.parseSet = function (this: any) {
    const tag = this.peekToken();
    const parsePrimary = Parser.parsePrimary;
    let filtered: any;
    // the target is the last primary parseSet reads before `=` or the block end; a `|` there starts filters
    this.parsePrimary = function (this: any, ...args: unknown[]) {
      // only the first target: the body's expressions parse as usual
      delete this.parsePrimary;
      const target = parsePrimary.apply(this, args);
      if (this.peekToken()?.type !== lexer.TOKEN_PIPE) return target;
      const capture = new nodes.Capture(tag.lineno, tag.colno, null);
      // filter arguments are plain expressions, whatever parseSet's callers made of parseExpression
      const own = Object.prototype.hasOwnProperty.call(this, 'parseExpression') ? this.parseExpression : undefined;
      delete this.parseExpression;
      try {
        filtered = { capture, value: this.parseFilter(capture) };
      } finally {
        if (own) this.parseExpression = own;
      }
      return target;
    };
    let node: any;
    try {
      node = parseSet.call(this);
    } finally {
      delete this.parsePrimary;
    }
    if (filtered && node.body) {
      filtered.capture.body = node.body.body;
      node.body = null;
      node.value = filtered.value;
    }
    return node;
  };
}
