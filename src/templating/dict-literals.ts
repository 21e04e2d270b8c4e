// List, tuple and dict literals parsed as Jinja2 parses them: a trailing comma is allowed
// (`{'a': 1, 'b': 2, }`, `[1, 2, ]`), `(1,)` is a one-item tuple, and a dict key is any
// expression (`{item.host: 1}`, `{name: 1}` reads the variable `name`), where nunjucks
// refused the first and took a bare name as the literal string.
import { TemplateError } from '../cli/errors.js';
import { pyStr } from './python-repr.js';
import { pyTuple } from './python-tuple.js';
import { mustBeDefined, Undefined } from './undefined-value.js';

/** A computed dict key as a JavaScript property name (Python keys must be hashable). */
export function dictKey(k: unknown): string {
  if (k instanceof Undefined) mustBeDefined(k);
  if (k !== null && typeof k === 'object' && !(k instanceof String)) throw new TemplateError(`unhashable type: '${Array.isArray(k) ? 'list' : 'dict'}'`);
  return pyStr(k);
}

/** Patch the nunjucks parser and compiler (once per process) for Jinja's literals. */
export function installDictLiterals(nunjucksModule: any): void {
  const { nodes, lexer, runtime } = nunjucksModule;
  const Parser = nunjucksModule.parser.Parser;
  const Compiler = nunjucksModule.compiler.Compiler;
  runtime.droverDictKey = dictKey;
  runtime.droverTuple = pyTuple;
  const closing = new Set([lexer.TOKEN_RIGHT_PAREN, lexer.TOKEN_RIGHT_BRACKET, lexer.TOKEN_RIGHT_CURLY]);
  const Tuple = nodes.Array.extend('DroverTuple');
  // other patches build tuples too (`{% set x = 1, 2 %}`)
  nodes.DroverTuple = Tuple;
  Parser.prototype.parseAggregate = function (this: any): unknown {
    const tok = this.nextToken();
    let node: any;
    if (tok.type === lexer.TOKEN_LEFT_PAREN) node = new nodes.Group(tok.lineno, tok.colno);
    else if (tok.type === lexer.TOKEN_LEFT_BRACKET) node = new nodes.Array(tok.lineno, tok.colno);
    else if (tok.type === lexer.TOKEN_LEFT_CURLY) node = new nodes.Dict(tok.lineno, tok.colno);
    else return null;
    let trailingComma = false;
    for (;;) {
      if (closing.has(this.peekToken().type)) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail('parseAggregate: expected comma after expression', tok.lineno, tok.colno);
        trailingComma = true;
        if (closing.has(this.peekToken().type)) {
          this.nextToken();
          break;
        }
      }
      trailingComma = false;
      if (node instanceof nodes.Dict) {
        const parsed = this.parseExpression();
        // a bare name is a variable here; compilePair keeps Symbol keys literal for keyword arguments
        const key = parsed instanceof nodes.Symbol ? new nodes.Group(parsed.lineno, parsed.colno, [parsed]) : parsed;
        if (!this.skip(lexer.TOKEN_COLON)) this.fail('parseAggregate: expected colon after dict key', tok.lineno, tok.colno);
        const value = this.parseExpression();
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, value));
      } else node.addChild(this.parseExpression());
    }
    // (x,) is a tuple of one, (x, y) a tuple, () the empty one: nunjucks made them a Group (the last value)
    if (node instanceof nodes.Group && (node.children.length !== 1 || trailingComma)) {
      const tuple = new Tuple(node.lineno, node.colno);
      for (const c of node.children) tuple.addChild(c);
      return tuple;
    }
    return node;
  };
  Compiler.prototype.compileDroverTuple = function (this: any, node: any, frame: unknown): void {
    this._emit('runtime.droverTuple(');
    this._compileAggregate(node, frame, '[', ']');
    this._emit(')');
  };
  const compilePair = Compiler.prototype.compilePair;
  Compiler.prototype.compilePair = function (this: any, node: any, frame: unknown): void {
    if ((node.key instanceof nodes.Literal && typeof node.key.value === 'string') || node.key instanceof nodes.Symbol) return compilePair.call(this, node, frame);
    this._emit('[runtime.droverDictKey(');
    this._compileExpression(node.key, frame);
    this._emit(')]: ');
    this._compileExpression(node.value, frame);
  };
}
