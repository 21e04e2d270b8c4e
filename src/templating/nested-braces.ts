// `{{ {'a': {'b': 1}}}}` and `{{ {'k': {'x': 1}} | to_json }}`: Jinja2's lexer balances braces,
// so a `}}` that closes dict literals is not the end of the expression; nunjucks ends the
// expression at the first `}}` and fails with "expected comma".

/** Patch the nunjucks lexer (once per process) to end `{{ }}` only outside open dict literals. */
export function installNestedBraces(nunjucksModule: any): void {
  const lexer = nunjucksModule.lexer;
  const tokenizer = Object.getPrototypeOf(lexer.lex('', {}));
  const nextToken = tokenizer.nextToken;
  tokenizer.nextToken = function (this: any) {
    const tok = nextToken.call(this);
    if (tok?.type === lexer.TOKEN_LEFT_CURLY) this.droverOpenCurly = (this.droverOpenCurly ?? 0) + 1;
    else if (tok?.type === lexer.TOKEN_RIGHT_CURLY) this.droverOpenCurly = Math.max(0, (this.droverOpenCurly ?? 0) - 1);
    else if (tok && tok.type !== lexer.TOKEN_WHITESPACE && !this.in_code) this.droverOpenCurly = 0;
    return tok;
  };
  const extractString = tokenizer._extractString;
  tokenizer._extractString = function (this: any, str: string) {
    if (this.in_code && this.droverOpenCurly > 0 && (str === this.tags.VARIABLE_END || str === `-${this.tags.VARIABLE_END}`)) return null;
    return extractString.call(this, str);
  };
}

/**
 * The expression of a template that is exactly one `{{ expr }}` whose expr holds `}}` inside
 * dict literals (the simple regex in the templar refuses those); undefined otherwise.
 */
export function loneExpressionWithBraces(nunjucksModule: any, source: string): string | undefined {
  if (!source.startsWith('{{') || !source.endsWith('}}')) return undefined;
  const lexer = nunjucksModule.lexer;
  try {
    const tokens = lexer.lex(source, {});
    if (tokens.nextToken()?.type !== lexer.TOKEN_VARIABLE_START) return undefined;
    for (let tok = tokens.nextToken(); tok; tok = tokens.nextToken()) {
      if (tok.type === lexer.TOKEN_VARIABLE_END) return tokens.isFinished() && tok.value === '}}' ? source.slice(2, -2) : undefined;
    }
  } catch {
    // not lexable: let the renderer report it
  }
  return undefined;
}
