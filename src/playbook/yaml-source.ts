// Reads YAML into plain JS values while remembering where every mapping, sequence and key
// came from, so that a bad field can be reported as file:line:col long after parsing.
import { readFileSync } from 'node:fs';
import { Document, LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isAlias, type Node } from 'yaml';
import { InputError, type Location } from '../cli/errors.js';

interface Positions {
  at: Location;
  keys: Map<string, Location>;
}

const positions = new WeakMap<object, Positions>();

/** Where a mapping or list came from (file, line, col), if it was read from YAML. */
export function locationOf(value: unknown): Location | undefined {
  return value && typeof value === 'object' ? positions.get(value)?.at : undefined;
}

/** Where a key of a mapping came from; falls back to the mapping itself. */
export function keyLocation(value: unknown, key: string): Location | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const p = positions.get(value);
  return p?.keys.get(key) ?? p?.at;
}

/** Receives warnings found while reading YAML (duplicate keys); stderr unless a run routes them. */
export type YamlWarningListener = (message: string) => void;

const toStderr: YamlWarningListener = (message) => process.stderr.write(`[WARNING]: ${message}\n`);
let warningListener: YamlWarningListener = toStderr;

/** Route YAML warnings (a run also emits them as events); undefined restores stderr. Returns the previous one. */
export function setYamlWarningListener(listener: YamlWarningListener | undefined): YamlWarningListener {
  const previous = warningListener;
  warningListener = listener ?? toStderr;
  return previous;
}

function yamlWarning(message: string): void {
  warningListener(message);
}

interface ConvertContext {
  doc: Document;
}

function convert(node: Node | null | undefined, file: string, lines: LineCounter, anchors: Map<Node, unknown>, ctx: ConvertContext): unknown {
  if (!node) return null;
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    return target ? anchors.get(target) ?? null : null;
  }
  const pos = (offset: number | undefined): Location => {
    const p = lines.linePos(offset ?? 0);
    return { file, line: p.line, col: p.col };
  };
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const keys = new Map<string, Location>();
    positions.set(out, { at: pos(node.range?.[0]), keys });
    anchors.set(node, out);
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      // `<<: *base` merge keys, as Ansible playbooks use them
      if (isScalar(keyNode) && (typeof keyNode.value === 'symbol' || keyNode.value === '<<')) {
        const merged = convert(pair.value as Node, file, lines, anchors, ctx);
        for (const src of Array.isArray(merged) ? merged : [merged]) {
          if (src && typeof src === 'object') for (const [k, v] of Object.entries(src)) if (!(k in out)) out[k] = v;
        }
        continue;
      }
      const key = isScalar(keyNode) ? String(keyNode.value) : String(convert(keyNode, file, lines, anchors, ctx));
      const at = pos(keyNode?.range?.[0]);
      // Ansible warns and lets the last value win: a silently dropped `when:` or `become:` hides bugs
      if (keys.has(key)) yamlWarning(`${at.file}:${at.line}:${at.col}: found a duplicate dict key (${key}); using the last defined value only (first at line ${keys.get(key)!.line})`);
      keys.set(key, at);
      out[key] = convert(pair.value as Node, file, lines, anchors, ctx);
    }
    return out;
  }
  if (isSeq(node)) {
    const out: unknown[] = [];
    positions.set(out, { at: pos(node.range?.[0]), keys: new Map() });
    anchors.set(node, out);
    for (const item of node.items) out.push(convert(item as Node, file, lines, anchors, ctx));
    return out;
  }
  if (isScalar(node)) {
    anchors.set(node, node.value);
    return node.value;
  }
  return null;
}

/** Parse YAML text (first document) into JS with positions; YAML errors become InputError. */
export function parseYaml(text: string, file: string): unknown {
  const lines = new LineCounter();
  // YAML 1.1 booleans (yes/no/on/off) are what Ansible content is written in; duplicate keys
  // are accepted (last wins, with a warning from convert) as Ansible does
  const docs = parseAllDocuments(text, { lineCounter: lines, version: '1.1', uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) return null;
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const p = lines.linePos(err.pos[0]);
      throw new InputError(`YAML syntax error: ${err.message.split('\n')[0]}`, { file, line: p.line, col: p.col });
    }
  }
  if (list.length === 0) return null;
  return convert(list[0]!.contents as Node, file, lines, new Map(), { doc: list[0]! });
}

/** Read and parse a YAML file; a missing file is an InputError naming it. */
export function readYamlFile(file: string, from?: Location): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`could not read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, from ?? { file });
  }
  return parseYaml(text, file);
}
