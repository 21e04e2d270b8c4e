// ini: a value (or values, with re=true) from an INI or Java properties file on the controller.
import { readFileSync } from 'node:fs';
import { interpolate, parseIni } from './ini-parser.js';
import { findInSearchPath } from './search-path.js';
import { toBool } from './to-bool.js';
import { LookupError, type LookupRun } from './types.js';

const DEFAULTS = { file: 'ansible.ini', section: 'global', default: '', re: false, type: 'ini', encoding: 'utf-8', case_sensitive: false, allow_no_value: false, allow_none: false };

/** Ansible's inline form: `key section=s file=f` (each option may be given as a keyword instead). */
function inline(term: string, params: Record<string, unknown>): string {
  let key = term;
  const words = term.trim().split(/\s+/);
  let current = 'key';
  const found: Record<string, string> = {};
  words.forEach((word, i) => {
    for (const k of Object.keys(params)) if (word.includes(`${k}=`)) current = k;
    if (i === 0 || !found[current]) found[current] = word;
    else found[current] += ` ${word}`;
  });
  let updated = false;
  for (const [name, param] of Object.entries(found)) {
    if (name === 'key' && !param.includes('=')) {
      key = param;
      updated = true;
      continue;
    }
    const eq = param.indexOf('=');
    const k = param.slice(0, eq);
    if (!(k in params)) throw new LookupError(`${k} is not a valid option.`);
    params[k] = param.slice(eq + 1);
  }
  if (!updated) throw new LookupError(`No key to lookup was provided as first term with in string inline options: ${term}`);
  return key;
}

/** A missing key gives `default`; a missing section is an error. */
export const ini: LookupRun = (terms, options, ctx) => {
  for (const k of Object.keys(options)) if (!(k in DEFAULTS)) throw new LookupError(`Unrecognized option for the ini lookup: ${k}`);
  return terms.flatMap((t) => {
    const params: Record<string, unknown> = { ...DEFAULTS, ...options };
    let key = String(t);
    if (key.includes('=') || key.trim().includes(' ')) key = inline(key, params);
    const fileName = String(params.file);
    const path = findInSearchPath(ctx.vars, 'files', fileName);
    if (!path) throw new Error(`could not locate file in lookup: ${fileName}`);
    let text = readFileSync(path, 'utf8');
    let sectionName = String(params.section);
    if (params.type === 'properties') {
      text = `[java_properties]\n${text}`;
      sectionName = 'java_properties';
    }
    const sections = parseIni(text, { caseSensitive: toBool(params.case_sensitive), allowNoValue: toBool(params.allow_no_value) || toBool(params.allow_none), file: fileName });
    const own = sections.get(sectionName);
    if (!own) throw new LookupError(`No section '${sectionName}' in ${fileName}`);
    const section = new Map([...(sections.get('DEFAULT') ?? []), ...own]);
    const wanted = toBool(params.case_sensitive) ? key : key.toLowerCase();
    if (toBool(params.re)) {
      const re = new RegExp(`^(?:${key})`);
      return [...section].filter(([k]) => re.test(k)).map(([, v]) => (v === null ? null : interpolate(v, section)));
    }
    if (!section.has(wanted)) return [params.default];
    const v = section.get(wanted)!;
    return v === null ? [] : [interpolate(v, section)];
  });
};
