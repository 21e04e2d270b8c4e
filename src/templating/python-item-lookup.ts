// Python's rules for `obj[key]` and `obj.key` that JavaScript property access does not follow:
// a list or str is indexed by int (or bool) only, so `l['0']`, `l[1.0]` and `l.length` are
// undefined (JavaScript found the item or the length); `l.0` is the item 0, as Jinja's parser
// makes a dotted integer an index; `x.__class__.__name__` names x's Python type.
import { pyTypeName } from './python-compare.js';
import { isPositional, pyIndex } from './python-indexing.js';
import { pyRepr } from './python-repr.js';
import type { PyObjectLike } from './python-object.js';
import { Undefined } from './undefined-value.js';

/** A Python class as `x.__class__` gives it: only its __name__ is modelled. */
class PyClass implements PyObjectLike {
  constructor(readonly __name__: string) {}
  pyStr(): string {
    return `<class '${this.__name__}'>`;
  }
  pyRepr(): string {
    return this.pyStr();
  }
  pyJsonValue(): unknown {
    throw new TypeError('Object of type type is not JSON serializable');
  }
}

/** Marks a lookup these rules leave to Drover's generic member lookup. */
export const NOT_HANDLED = Symbol('not-handled');

/** obj[key] by Python's rules where they differ from JavaScript's, else NOT_HANDLED. */
export function pythonMember(obj: unknown, key: unknown): unknown {
  if (key === '__class__') return new PyClass(pyTypeName(obj));
  if (!isPositional(obj)) return NOT_HANDLED;
  const kind = Array.isArray(obj) ? 'list' : 'str';
  if (typeof key === 'boolean') return pyIndex(obj, key ? 1 : 0) ?? new Undefined(`'${kind} object has no element ${key ? 'True' : 'False'}'`);
  if (key instanceof Number) return new Undefined(`'${kind} object has no element ${pyRepr(key)}'`);
  return NOT_HANDLED;
}

/** The undefined value of a name a list or str does not have (JavaScript's own properties included). */
export function noSuchMember(obj: string | unknown[], key: unknown): Undefined {
  return new Undefined(`'${Array.isArray(obj) ? 'list' : 'str'} object' has no attribute '${String(key)}'`);
}

/** Patch the nunjucks parser (once per process): `x.0` looks up the integer 0, as Jinja's does. */
export function installDottedIndex(nunjucksModule: any): void {
  const { nodes, lexer } = nunjucksModule;
  const Parser = nunjucksModule.parser.Parser.prototype;
  Parser.parsePostfix = function (this: any, node: any): any {
    for (let tok = this.peekToken(); tok; tok = this.peekToken()) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        const lookup = this.parseAggregate();
        if (lookup.children.length > 1) this.fail('invalid index');
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, lookup.children[0]);
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const val = this.nextToken();
        if (val.type !== lexer.TOKEN_SYMBOL && val.type !== lexer.TOKEN_INT) this.fail(`expected name as lookup value, got ${val.value}`, val.lineno, val.colno);
        const key = /^\d+$/.test(String(val.value)) ? Number(val.value) : val.value;
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(val.lineno, val.colno, key));
      } else break;
    }
    return node;
  };
}
