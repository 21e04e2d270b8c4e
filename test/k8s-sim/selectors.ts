// Label and field selectors as the API server reads them (?labelSelector=, ?fieldSelector=).
// Labels: k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k; requirements AND-ed by commas.
// Fields: dotted paths compared as text, =, == and != only (what the real server allows).

type Obj = Record<string, unknown>;
type Requirement = (labels: Record<string, string>) => boolean;

/** Split on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

/** Parse a label selector; throws with the offending requirement. */
export function parseLabelSelector(selector: string): Requirement[] {
  return splitTopLevel(selector).map((req): Requirement => {
    let m = /^(\S+?)\s+(in|notin)\s+\(([^)]*)\)$/.exec(req);
    if (m) {
      const [, key, op, list] = m;
      const values = new Set(list!.split(',').map((v) => v.trim()));
      return op === 'in' ? (l) => l[key!] !== undefined && values.has(l[key!]!) : (l) => l[key!] === undefined || !values.has(l[key!]!);
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(req);
    if (m) {
      const [, key, op, value] = m;
      return op === '!=' ? (l) => l[key!] !== value : (l) => l[key!] === value;
    }
    m = /^(!?)([A-Za-z0-9][-A-Za-z0-9_./]*)$/.exec(req);
    if (m) return m[1] ? (l) => l[m![2]!] === undefined : (l) => l[m![2]!] !== undefined;
    throw new Error(`unable to parse requirement: ${req}`);
  });
}

/** A field's value at a dotted path, as text ('' when absent). */
export function fieldValue(obj: Obj, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Obj)[part] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
}

/** Parse a field selector into a predicate on whole objects. */
export function parseFieldSelector(selector: string): ((obj: Obj) => boolean)[] {
  return splitTopLevel(selector).map((req) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(req);
    if (!m) throw new Error(`invalid field selector: ${req}`);
    const [, path, op, value] = m;
    return op === '!=' ? (o: Obj) => fieldValue(o, path!) !== value : (o: Obj) => fieldValue(o, path!) === value;
  });
}

/** Does an object pass both selectors (either may be empty)? */
export function matches(obj: Obj, labels: Requirement[], fields: ((o: Obj) => boolean)[]): boolean {
  const l = ((obj.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>;
  return labels.every((r) => r(l)) && fields.every((f) => f(obj));
}
