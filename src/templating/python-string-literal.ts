// Jinja2 string literals follow Python's escape rules ('\x41' is 'A', '\d' stays '\d');
// nunjucks keeps only \n \t \r and drops every other backslash, which silently broke
// regex_replace/regex_search patterns like '\d+' or '\.' written in templates.
import { TemplateError } from '../cli/errors.js';

const SIMPLE: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** The value of a Python string literal's body (what Jinja's lexer gets from 'unicode-escape'). */
export function unescapePython(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    const next = raw[i + 1];
    if (c !== '\\' || next === undefined) {
      out += c;
      continue;
    }
    if (next in SIMPLE) {
      out += SIMPLE[next];
      i++;
    } else if (next >= '0' && next <= '7') {
      const digits = /^[0-7]{1,3}/.exec(raw.slice(i + 1))![0];
      out += String.fromCodePoint(parseInt(digits, 8));
      i += digits.length;
    } else if (HEX_DIGITS[next]) {
      const n = HEX_DIGITS[next]!;
      const hex = raw.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new TemplateError(`truncated \\${next}${'X'.repeat(n)} escape in a string literal`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 1 + n;
    } else {
      // Python keeps an unknown escape as written: '\d' is backslash, d
      out += c + next;
      i++;
    }
  }
  return out;
}

/** Patch the nunjucks lexer (once per process) to read string literals as Python does. */
export function installPythonStringLiterals(nunjucksModule: any): void {
  const tokenizer = Object.getPrototypeOf(nunjucksModule.lexer.lex('', {}));
  tokenizer._parseString = function (this: any, delimiter: string): string {
    this.forward();
    let raw = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const cur = this.current();
      this.forward();
      if (cur === '\\' && !this.isFinished()) {
        raw += cur + this.current();
        this.forward();
      } else raw += cur;
    }
    this.forward();
    // Jinja normalises newlines inside literals before unescaping
    return unescapePython(raw.replace(/\r\n?/g, '\n'));
  };
}
