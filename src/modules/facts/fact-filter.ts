// setup's `filter`: Python fnmatch patterns over the ansible_-prefixed fact names.

/** Python's fnmatch.translate for one pattern: * ? [seq] [!seq], anchored, no path rules. */
export function fnmatchRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** Keep the facts whose name matches any pattern; no patterns keeps all. */
export function filterFacts(facts: Record<string, unknown>, patterns: readonly string[]): Record<string, unknown> {
  const wanted = patterns.map((p) => p.trim()).filter(Boolean);
  if (!wanted.length) return facts;
  const res = wanted.map(fnmatchRegex);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) if (res.some((r) => r.test(k))) out[k] = v;
  return out;
}
