// Python's configparser, as the ini lookup reads a file: sections, `key = value` or
// `key: value`, indented continuation lines, # and ; comments, lower-cased keys, DEFAULT, %(x)s.
import { LookupError } from './types.js';

/** Sections of key/value pairs; DEFAULT's keys appear in every section. */
export function parseIni(text: string, { caseSensitive, allowNoValue, file }: { caseSensitive: boolean; allowNoValue: boolean; file: string }): Map<string, Map<string, string | null>> {
  const sections = new Map<string, Map<string, string | null>>();
  let current: Map<string, string | null> | undefined;
  let lastKey: string | undefined;
  let lastIndent = 0;
  text.split(/\r?\n/).forEach((line, n) => {
    const indent = /^\s*/.exec(line)![0].length;
    const stripped = line.trim();
    if (!stripped || /^[#;]/.test(stripped)) {
      if (!stripped) lastKey = undefined;
      return;
    }
    if (current && lastKey !== undefined && indent > lastIndent) {
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${stripped}`);
      return;
    }
    const header = /^\[([^\]]+)\]/.exec(stripped);
    if (header) {
      const name = header[1]!;
      if (!sections.has(name)) sections.set(name, new Map());
      current = sections.get(name);
      lastKey = undefined;
      return;
    }
    if (!current) throw new LookupError(`File contains no section headers.\nfile: '${file}', line: ${n + 1}\n${JSON.stringify(line)}`);
    const m = /^(.*?)\s*[=:]\s*(.*)$/.exec(stripped);
    let key: string;
    let value: string | null;
    if (m && m[1]) [key, value] = [m[1], m[2]!];
    else if (allowNoValue) [key, value] = [stripped, null];
    else throw new LookupError(`Source contains parsing errors: '${file}'\n\t[line ${String(n + 1).padStart(2)}]: ${JSON.stringify(line)}`);
    if (!caseSensitive) key = key.toLowerCase();
    if (current.has(key)) throw new LookupError(`Duplicate option in '${file}': While reading from '<???>' [line ${String(n + 1).padStart(2)}]: option '${key}' in section already exists`);
    current.set(key, value);
    lastKey = key;
    lastIndent = indent;
  });
  return sections;
}

/** configparser's BasicInterpolation: %(name)s from the same section (or DEFAULT), %% is %. */
export function interpolate(value: string, section: Map<string, string | null>, depth = 0): string {
  if (depth > 10) throw new LookupError('interpolation too deep');
  return value.replace(/%(%|\(([^)]+)\)s)/g, (_m, what, name) => {
    if (what === '%') return '%';
    const v = section.get(String(name).toLowerCase());
    if (v === undefined || v === null) throw new LookupError(`Bad value substitution: option '${name}' not found`);
    return interpolate(v, section, depth + 1);
  });
}
