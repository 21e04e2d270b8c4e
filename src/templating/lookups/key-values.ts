// Ansible's parse_kv for lookup terms: `a=1 b="two words"` into a mapping; loose words go to _raw_params.
/** Splits `k=v` words (quotes group words); words without `=` are joined into `_raw_params`. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const raw: string[] = [];
  const words = text.match(/(?:[^\s"']+|"(?:\\.|[^"])*"|'(?:\\.|[^'])*')+/g) ?? [];
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq > 0 && /^[\w-]+$/.test(word.slice(0, eq))) out[word.slice(0, eq)] = unquote(word.slice(eq + 1));
    else raw.push(word);
  }
  if (raw.length) out._raw_params = raw.join(' ');
  return out;
}

function unquote(v: string): string {
  return /^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v;
}
