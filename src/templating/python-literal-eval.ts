// Python's ast.literal_eval, as Ansible applies it to a rendered value that starts with
// `[` or `{` (with JSON's true/false/null accepted too): "[1, 'a']" becomes a list, while
// "[a, b]" or "{x}" is not a literal and stays text. A YAML parser accepted far more.
import { unescapePython } from './python-string-literal.js';

class NotLiteral extends Error {}

const NAMES: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, null: null };
const NUMBER = /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/;
const STRING = /^([rRuU]?)('''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*")/;

function parseNumber(raw: string): number {
  const t = raw.replace(/_/g, '');
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  if (/^0\d/.test(t) && /^\d+$/.test(t) && !/^0+$/.test(t)) throw new NotLiteral('leading zeros');
  return Number(t);
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    while (this.i < this.s.length && /[ \t\n\r\f\\]/.test(this.s[this.i]!)) {
      if (this.s[this.i] === '\\' && this.s[this.i + 1] !== '\n') break;
      this.i += this.s[this.i] === '\\' ? 2 : 1;
    }
  }

  private eat(c: string): boolean {
    this.ws();
    if (this.s[this.i] !== c) return false;
    this.i++;
    return true;
  }

  /** Consume a comma between top-level items. */
  comma(): boolean {
    return this.eat(',');
  }

  end(): boolean {
    this.ws();
    return this.i >= this.s.length;
  }

  private items(close: string, one: () => void): void {
    while (!this.eat(close)) {
      one();
      if (this.eat(close)) return;
      if (!this.eat(',')) throw new NotLiteral('expected ,');
    }
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '[') {
      this.i++;
      const out: unknown[] = [];
      this.items(']', () => out.push(this.value()));
      return out;
    }
    if (c === '(') {
      this.i++;
      const first = this.eat(')') ? undefined : this.value();
      if (first === undefined) return [];
      if (this.eat(')')) return first;
      if (!this.eat(',')) throw new NotLiteral('expected ,');
      const out: unknown[] = [first];
      this.items(')', () => out.push(this.value()));
      return out;
    }
    if (c === '{') {
      this.i++;
      const out: Record<string, unknown> = {};
      this.items('}', () => {
        const k = this.value();
        if (!this.eat(':')) throw new NotLiteral('sets are not converted');
        if (k !== null && typeof k === 'object') throw new NotLiteral('unhashable key');
        out[typeof k === 'boolean' ? (k ? 'True' : 'False') : String(k)] = this.value();
      });
      return out;
    }
    if (c === '-' || c === '+') {
      this.i++;
      const v = this.value();
      if (typeof v !== 'number') throw new NotLiteral('unary sign on a non-number');
      return c === '-' ? -v : v;
    }
    const rest = this.s.slice(this.i);
    const str = STRING.exec(rest);
    if (str) {
      let out = '';
      let m: RegExpExecArray | null = str;
      // adjacent literals concatenate, as in Python source
      while (m) {
        const quoted = m[2]!;
        const q = quoted.startsWith("'''") || quoted.startsWith('"""') ? 3 : 1;
        const body = quoted.slice(q, -q);
        out += m[1] === 'r' || m[1] === 'R' ? body : unescapePython(body);
        this.i += m[0].length;
        this.ws();
        m = STRING.exec(this.s.slice(this.i));
      }
      return out;
    }
    const num = NUMBER.exec(rest);
    if (num && num[0] !== '.') {
      this.i += num[0].length;
      if (/^[\w.]/.test(this.s.slice(this.i))) throw new NotLiteral('bad number');
      return parseNumber(num[0]);
    }
    const name = /^[A-Za-z_]\w*/.exec(rest);
    if (name && name[0] in NAMES) {
      this.i += name[0].length;
      return NAMES[name[0]];
    }
    throw new NotLiteral(`not a literal at ${this.i}`);
  }
}

/** ast.literal_eval of text (JSON's true/false/null allowed); undefined when it is not a literal. */
export function pythonLiteralEval(text: string): { value: unknown } | undefined {
  try {
    const p = new Parser(text);
    const value = p.value();
    if (p.end()) return { value };
    // `[],42` is the tuple ([], 42) to literal_eval
    const items = [value];
    while (p.comma()) {
      if (p.end()) return { value: items };
      items.push(p.value());
    }
    return p.end() ? { value: items } : undefined;
  } catch (err) {
    if (err instanceof NotLiteral) return undefined;
    throw err;
  }
}
