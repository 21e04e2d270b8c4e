// Jinja's assignment forms nunjucks lacked: `{% set a, b = 1, 2 %}` unpacks (nunjucks gave
// both names the same value, and refused the tuple), and `{% with a = 1 %}...{% endwith %}`
// scopes its names to the block.
import { TemplateError } from '../cli/errors.js';
import { pyIterate } from './python-number-filters.js';

/** Python's `a, b = value`: exactly n items, or an error. */
export function pyUnpack(value: unknown, n: number): unknown[] {
  const items = pyIterate(value);
  if (items.length > n) throw new TemplateError(`too many values to unpack (expected ${n})`);
  if (items.length < n) throw new TemplateError(`not enough values to unpack (expected ${n}, got ${items.length})`);
  return items;
}

/** Patch the nunjucks parser and compiler (once per process) for tuple sets and with blocks. */
export function installPythonAssignments(nunjucksModule: any): void {
  const { nodes, lexer } = nunjucksModule;
  const Parser = nunjucksModule.parser.Parser.prototype;
  const Compiler = nunjucksModule.compiler.Compiler.prototype;
  nunjucksModule.runtime.pyUnpack = pyUnpack;

  /** An expression, or a tuple of them when commas follow (`1, 2`). */
  function parseTupleExpression(this: any, parseExpression: () => any): any {
    const first = parseExpression.call(this);
    if (!this.skip(lexer.TOKEN_COMMA)) return first;
    const items = [first];
    do {
      const next = this.peekToken();
      if (!next || next.type === lexer.TOKEN_BLOCK_END) break;
      items.push(parseExpression.call(this));
    } while (this.skip(lexer.TOKEN_COMMA));
    const tuple = new (nodes.DroverTuple ?? nodes.Array)(first.lineno, first.colno);
    for (const item of items) tuple.addChild(item);
    return tuple;
  }

  const parseSet = Parser.parseSet;
  Parser.parseSet = function (this: any) {
    const parseExpression = Parser.parseExpression;
    this.parseExpression = function (this: any) {
      this.parseExpression = parseExpression;
      return parseTupleExpression.call(this, parseExpression);
    };
    try {
      const node = parseSet.call(this);
      if (node && node.targets && node.targets.length > 1) node.drUnpack = true;
      return node;
    } finally {
      this.parseExpression = parseExpression;
    }
  };

  let unpackCount = 0;
  const compileSet = Compiler.compileSet;
  Compiler.compileSet = function (this: any, node: any, frame: any): void {
    if (!node.drUnpack || !node.value) return compileSet.call(this, node, frame);
    const tmp = this._tmpid();
    this._emit(`var ${tmp} = runtime.pyUnpack(`);
    this._compileExpression(node.value, frame);
    this._emitLine(`, ${node.targets.length});`);
    const holder = `__drover_unpack_${unpackCount++}`;
    frame.set(holder, tmp);
    node.targets.forEach((target: any, i: number) => {
      const value = new nodes.LookupVal(node.lineno, node.colno, new nodes.Symbol(node.lineno, node.colno, holder), new nodes.Literal(node.lineno, node.colno, i));
      compileSet.call(this, new nodes.Set(node.lineno, node.colno, [target], value), frame);
    });
  };

  const parseStatement = Parser.parseStatement;
  Parser.parseStatement = function (this: any) {
    const tok = this.peekToken();
    if (!tok || tok.type !== lexer.TOKEN_SYMBOL || tok.value !== 'with' || (this.breakOnBlocks && this.breakOnBlocks.includes('with'))) return parseStatement.call(this);
    this.nextToken();
    const pairs: [string, any][] = [];
    while (this.peekToken()?.type === lexer.TOKEN_SYMBOL) {
      const name = this.nextToken().value;
      if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) this.fail("expected token '='", tok.lineno, tok.colno);
      pairs.push([name, this.parseExpression()]);
      if (!this.skip(lexer.TOKEN_COMMA)) break;
    }
    this.advanceAfterBlockEnd('with');
    const body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return { typename: 'DroverWith', pairs, body, lineno: tok.lineno, colno: tok.colno };
  };
  Compiler.compileDroverWith = function (this: any, node: any, frame: any): void {
    // the values are read outside the block; its names live only inside
    const ids = node.pairs.map(() => this._tmpid());
    node.pairs.forEach(([, value]: [string, any], i: number) => {
      this._emit(`var ${ids[i]} = `);
      this._compileExpression(value, frame);
      this._emitLine(';');
    });
    this._emitLine('frame = frame.push(true);');
    node.pairs.forEach(([name]: [string, any], i: number) => this._emitLine(`frame.set(${JSON.stringify(name)}, ${ids[i]});`));
    this.compile(node.body, frame);
    this._emitLine('frame = frame.pop();');
  };
}
