// Jinja's number literals: `1e3`, `1.5e-3`, `1E2` (floats), `0x1f`, `0o17`, `0b101`, `1_000`
// (ints), and `2.0` staying a float. nunjucks read only digits[.digits], so `1e3` was an
// undefined variable named '1e3' and `2.0` the integer 2; `007` and `5.` are errors in Jinja.
// Also Python's literal rules around them: adjacent strings concatenate, `item.0` is an index.
import { pyFloat } from './python-float.js';

const INT_FORMS = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0(?:_?0)*)$/;
const EXPONENT_SYMBOL = /^(\d(?:_?\d)*)(?:\.\d(?:_?\d)*)?[eE](\d(?:_?\d)*)?$/;

function intValue(text: string): string {
  const t = text.replace(/_/g, '');
  const base = /^0[xX]/.test(t) ? 16 : /^0[oO]/.test(t) ? 8 : /^0[bB]/.test(t) ? 2 : 10;
  return String(base === 10 ? Number(t) : parseInt(t.slice(2), base));
}

/** Read `e5`, `e-5`, `E+5` after a number's digits, if the source has them there. */
function readExponent(lexer: any): string {
  const rest: string = lexer.currentStr();
  const m = /^[eE][+-]?\d(?:_?\d)*/.exec(rest);
  if (!m) return '';
  lexer.forwardN(m[0].length);
  return m[0];
}

/** Patch the nunjucks lexer, parser and compiler (once per process) for Python's numbers. */
export function installPythonNumberLiterals(nunjucksModule: any): void {
  const lexerModule = nunjucksModule.lexer;
  const tokenizer = Object.getPrototypeOf(lexerModule.lex('', {}));
  const next = tokenizer.nextToken;
  tokenizer.nextToken = function (this: any) {
    const previous = this.drPrevious;
    const tok = readToken.call(this);
    this.drPrevious = tok;
    // `item.0.name`: an integer after a dot is an attribute name (Jinja's getitem of 0)
    if (tok && tok.type === lexerModule.TOKEN_INT && previous && previous.type === lexerModule.TOKEN_OPERATOR && previous.value === '.') return { ...tok, type: lexerModule.TOKEN_SYMBOL };
    return tok;
  };
  function readToken(this: any) {
    const tok = next.call(this);
    if (!tok) return tok;
    // adjacent string literals are one string, as in Python ('a' 'b' is 'ab'; 'it''s' is 'its')
    if (tok.type === lexerModule.TOKEN_STRING) {
      for (;;) {
        const rest: string = this.currentStr();
        const gap = /^[ \t\r\n]*/.exec(rest)![0].length;
        if (rest[gap] !== "'" && rest[gap] !== '"') break;
        this.forwardN(gap);
        tok.value += next.call(this).value;
      }
      return tok;
    }
    if (tok.type === lexerModule.TOKEN_FLOAT) {
      // nunjucks took `5.` (and `0.` of `item.0.name`) as a float; Jinja reads the integer, then the dot
      if (/\.$/.test(tok.value)) {
        this.back();
        return { ...tok, type: lexerModule.TOKEN_INT, value: tok.value.slice(0, -1) };
      }
      tok.value = String(tok.value).replace(/_/g, '') + readExponent(this).replace(/_/g, '');
      return tok;
    }
    if (tok.type === lexerModule.TOKEN_INT) {
      if (!INT_FORMS.test(tok.value)) throw new nunjucksModule.lib.TemplateError(`expected token 'end of print statement', got 'integer'`, tok.lineno + 1, tok.colno + 1);
      const exp = readExponent(this);
      if (exp) return { ...tok, type: lexerModule.TOKEN_FLOAT, value: tok.value + exp };
      return tok;
    }
    if (tok.type === lexerModule.TOKEN_SYMBOL && /^\d/.test(tok.value)) {
      if (INT_FORMS.test(tok.value)) return { ...tok, type: lexerModule.TOKEN_INT, value: intValue(tok.value) };
      const m = EXPONENT_SYMBOL.exec(tok.value);
      if (m) {
        // `1e-5`: the lexer stopped at the sign, a delimiter
        const tail = m[2] === undefined ? readExponent({ currentStr: () => 'e' + this.currentStr(), forwardN: (n: number) => this.forwardN(n - 1) }) : '';
        if (m[2] !== undefined || tail) return { ...tok, type: lexerModule.TOKEN_FLOAT, value: (tok.value + tail.slice(1)).replace(/_/g, '') };
      }
    }
    return tok;
  }
  const proto = nunjucksModule.parser.Parser.prototype;
  const parsePrimary = proto.parsePrimary;
  proto.parsePrimary = function (this: any, noPostfix?: boolean) {
    const tok = this.peekToken();
    const node = parsePrimary.call(this, noPostfix);
    if (tok && tok.type === lexerModule.TOKEN_FLOAT) {
      let lit = node;
      while (lit && lit.typename === 'LookupVal') lit = lit.target;
      if (lit && lit.typename === 'Literal' && typeof lit.value === 'number') lit.value = pyFloat(lit.value);
    }
    return node;
  };
  nunjucksModule.runtime.pyFloat = pyFloat;
  const Compiler = nunjucksModule.compiler.Compiler.prototype;
  const compileLiteral = Compiler.compileLiteral;
  Compiler.compileLiteral = function (this: any, node: any, frame: unknown) {
    if (node.value instanceof Number) {
      this._emit(`runtime.pyFloat(${Object.is(node.value.valueOf(), -0) ? '-0' : String(node.value.valueOf())})`);
      return;
    }
    compileLiteral.call(this, node, frame);
  };
}
