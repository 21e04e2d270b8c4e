// Ansible's `module: k=v k2="v 2"` argument syntax, and free-form text for command-like
// modules where only a few known k=v words are lifted out and the rest stays as written.

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Split on whitespace outside quotes and outside {{ }} / {% %}, remembering positions. */
function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const start = i;
    let quote: string | null = null;
    let depth = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (quote) {
        if (c === '\\' && i + 1 < s.length) i++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '{' && (s[i + 1] === '%' || s[i + 1] === '{')) depth++;
      else if ((c === '}' && s[i + 1] === '}') || (c === '%' && s[i + 1] === '}')) depth = Math.max(0, depth - 1);
      else if (/\s/.test(c) && depth === 0) break;
      i++;
    }
    out.push({ text: s.slice(start, i), start, end: i });
  }
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
    const inner = v.slice(1, -1);
    return v[0] === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner;
  }
  return v;
}

const KV = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

/**
 * Parse `k=v` words. With `rawKeys`, only those keys are lifted and every other word stays
 * in `_raw_params` verbatim (command/shell); without, a word that is not k=v is an error.
 */
export function parseKeyValues(text: string, rawKeys?: ReadonlySet<string>): { args: Record<string, unknown>; bad?: string } {
  const args: Record<string, unknown> = {};
  const keep: Token[] = [];
  for (const tok of tokenize(text)) {
    const m = KV.exec(tok.text);
    if (m && (!rawKeys || rawKeys.has(m[1]!))) {
      args[m[1]!] = unquote(m[2]!);
    } else if (rawKeys) {
      keep.push(tok);
    } else {
      return { args, bad: tok.text };
    }
  }
  if (rawKeys && keep.length) {
    // keep the text between neighbouring kept words as written; a lifted word leaves one space
    let raw = keep[0]!.text;
    for (let i = 1; i < keep.length; i++) {
      const prev = keep[i - 1]!;
      const cur = keep[i]!;
      const between = text.slice(prev.end, cur.start);
      raw += /^\s+$/.test(between) ? between + cur.text : ` ${cur.text}`;
    }
    args._raw_params = raw;
  }
  return { args };
}
