// Ansible's _escape_backslashes: in a templated value (a task argument, a var), the backslashes
// of string literals inside `{{ }}` are doubled before Jinja reads them, so YAML's "\\d" reaches
// the regex as \d only once, not unescaped twice. The template module does not do this.

const STRING = /^(?:'(?:[^'\\]|\\[\s\S])*'|"(?:[^"\\]|\\[\s\S])*")/;

/** The source with every backslash of a string literal inside {{ }} doubled (as Ansible's template()). */
export function escapeBackslashes(source: string): string {
  if (!source.includes('\\') || !source.includes('{{')) return source;
  let out = '';
  let i = 0;
  while (i < source.length) {
    // skip {% raw %} sections, comments and statements whole: only {{ }} is escaped
    const raw = /^\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/.exec(source.slice(i));
    if (raw) {
      out += raw[0];
      i += raw[0].length;
      continue;
    }
    if (source.startsWith('{#', i)) {
      const end = source.indexOf('#}', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop);
      i = stop;
      continue;
    }
    if (!source.startsWith('{{', i)) {
      out += source[i++];
      continue;
    }
    out += '{{';
    i += 2;
    while (i < source.length && !source.startsWith('}}', i)) {
      const str = STRING.exec(source.slice(i));
      if (str) {
        out += str[0].replace(/\\/g, '\\\\');
        i += str[0].length;
      } else out += source[i++];
    }
  }
  return out;
}
