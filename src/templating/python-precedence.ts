// Jinja's operator precedence: `~` binds tighter than `+` and `-` (`1 + 2 ~ 3` is 1 + '23', an
// error), `+`/`-` and `*`/`/`/`//`/`%` are each one left-associative level (`3 * 2 // 4` is
// (3 * 2) // 4). nunjucks put `~` below `+` and nested each operator in its own level, so
// `3 * 2 // 4` was 3 * (2 // 4). An inline if's else may be another inline if.

const MATH2: Record<string, string> = { '*': 'Mul', '/': 'Div', '//': 'FloorDiv', '%': 'Mod' };

/** Patch the nunjucks parser (once per process) for Jinja's arithmetic precedence. */
export function installPythonPrecedence(nunjucksModule: any): void {
  const { nodes, lexer } = nunjucksModule;
  const proto = nunjucksModule.parser.Parser.prototype;
  const binary = (self: any, ops: Record<string, string>, type: string, operand: () => any): any => {
    let node = operand.call(self);
    for (;;) {
      const tok = self.peekToken();
      const kind = tok && tok.type === type ? ops[tok.value] : undefined;
      if (!kind) return node;
      self.nextToken();
      node = new nodes[kind](node.lineno, node.colno, node, operand.call(self));
    }
  };
  // Jinja's parse_math1 (+ -) over parse_concat (~) over parse_math2 (* / // %) over parse_pow
  proto.parseConcat = function (this: any) {
    return binary(this, { '+': 'Add', '-': 'Sub' }, lexer.TOKEN_OPERATOR, this.parseTilde);
  };
  proto.parseTilde = function (this: any) {
    return binary(this, { '~': 'Concat' }, lexer.TOKEN_TILDE, this.parseMath2);
  };
  proto.parseMath2 = function (this: any) {
    return binary(this, MATH2, lexer.TOKEN_OPERATOR, this.parsePow);
  };
  // Jinja's parse_compare: `in` and `not in` chain with the other comparisons
  // (`'a' in l < 'b'` is ('a' in l) and (l < 'b')); nunjucks parsed `in` on its own level
  const COMPARE = new Set(['==', '===', '!=', '!==', '<', '>', '<=', '>=']);
  proto.parseCompare = function (this: any) {
    const expr = this.parseConcat();
    const ops: any[] = [];
    for (;;) {
      const tok = this.nextToken();
      if (!tok) break;
      if (tok.type !== lexer.TOKEN_STRING && COMPARE.has(tok.value)) ops.push(new nodes.CompareOperand(tok.lineno, tok.colno, this.parseConcat(), tok.value));
      else if (tok.type === lexer.TOKEN_SYMBOL && tok.value === 'in') ops.push(new nodes.CompareOperand(tok.lineno, tok.colno, this.parseConcat(), 'in'));
      else if (tok.type === lexer.TOKEN_SYMBOL && tok.value === 'not') {
        // `not` right after an operand can only start `not in`
        if (!this.skipSymbol('in')) this.fail("expected token 'in' after 'not'", tok.lineno, tok.colno);
        ops.push(new nodes.CompareOperand(tok.lineno, tok.colno, this.parseConcat(), 'notin'));
      } else {
        this.pushToken(tok);
        break;
      }
    }
    return ops.length ? new nodes.Compare(ops[0].lineno, ops[0].colno, expr, ops) : expr;
  };
  proto.parseIn = function (this: any) {
    return this.parseIs();
  };
  // Jinja's parse_condexpr: the else branch is itself a conditional (`a if x else b if y else c`)
  proto.parseInlineIf = function (this: any) {
    let node = this.parseOr();
    while (this.skipSymbol('if')) {
      const inline = new nodes.InlineIf(node.lineno, node.colno);
      inline.body = node;
      inline.cond = this.parseOr();
      inline.else_ = this.skipSymbol('else') ? this.parseInlineIf() : null;
      node = inline;
    }
    return node;
  };
}
