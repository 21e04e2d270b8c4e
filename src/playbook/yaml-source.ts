// Reads YAML into plain JS values while remembering where every mapping, sequence and key
// came from, so that a bad field can be reported as file:line:col long after parsing.
import { readFileSync } from 'node:fs';
import { Document, LineCounter, parseAllDocuments, isMap, isPair, isSeq, isScalar, isAlias, type Node, type Scalar, type YAMLError } from 'yaml';
import { InputError, type Location } from '../cli/errors.js';
import { ANSIBLE_JSON_SCHEMA, ANSIBLE_YAML_SCHEMA } from './yaml-resolvers.js';

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
  text: string;
  file: string;
  lines: LineCounter;
  anchors: Map<Node, unknown>;
}

function nodeError(ctx: ConvertContext, node: Node | null | undefined, message: string, hint?: string): InputError {
  const p = ctx.lines.linePos(node?.range?.[0] ?? 0);
  return new InputError(message, { file: ctx.file, line: p.line, col: p.col, hint });
}

const UNQUOTED_TEMPLATE_HINT = 'always quote a template expression that starts a value: write `key: "{{ x }}"`, not `key: {{ x }}` (YAML reads the braces as a mapping)';

/** The key of a mapping pair as Drover's objects hold it (a string; PyYAML refuses lists and maps). */
function keyOf(map: Node, keyNode: Node | null, ctx: ConvertContext): string {
  if (isMap(keyNode) || isSeq(keyNode)) {
    // `key: {{ x }}` is a flow mapping whose key is the mapping {x: null}: Ansible's hint names it
    if (isMap(keyNode) && isMap(map) && map.flow && keyNode.flow) throw nodeError(ctx, keyNode, 'YAML syntax error: found unacceptable key (a mapping cannot be a key); this looks like an unquoted {{ template }}', UNQUOTED_TEMPLATE_HINT);
    throw nodeError(ctx, keyNode, `YAML syntax error: found unacceptable key (a ${isMap(keyNode) ? 'mapping' : 'list'} cannot be a key)`);
  }
  return String(convert(keyNode, ctx));
}

/** `<<: *base` or `<<: [*a, *b]`: the pairs PyYAML puts before a mapping's own (earlier sources win). */
function mergedEntries(valueNode: Node, value: unknown, ctx: ConvertContext): [string, unknown][] {
  const sources = isSeq(valueNode) || (isAlias(valueNode) && Array.isArray(value)) ? [...(value as unknown[])].reverse() : [value];
  return sources.flatMap((src) => {
    if (!src || typeof src !== 'object' || Array.isArray(src)) throw nodeError(ctx, valueNode, 'YAML syntax error: expected a mapping or list of mappings for merging (<<)');
    return Object.entries(src);
  });
}

/** PyYAML ends a block scalar that runs into the end of a file without a newline without one too. */
function blockScalarAtEnd(node: Scalar, ctx: ConvertContext): boolean {
  return (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && (node.range?.[1] ?? 0) >= ctx.text.length && !/[\r\n]$/.test(ctx.text);
}

function convert(node: Node | null | undefined, ctx: ConvertContext): unknown {
  if (!node) return null;
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    if (!target) throw nodeError(ctx, node, `YAML syntax error: found undefined alias *${node.source}`);
    return ctx.anchors.get(target) ?? null;
  }
  const pos = (offset: number | undefined): Location => {
    const p = ctx.lines.linePos(offset ?? 0);
    return { file: ctx.file, line: p.line, col: p.col };
  };
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const keys = new Map<string, Location>();
    positions.set(out, { at: pos(node.range?.[0]), keys });
    ctx.anchors.set(node, out);
    // values are converted in document order (an anchor may be defined before the << that uses it)
    const merged: [string, unknown][] = [];
    const own: [string, unknown, Location][] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        merged.push(...mergedEntries(pair.value as Node, convert(pair.value as Node, ctx), ctx));
        continue;
      }
      const key = keyOf(node, keyNode, ctx);
      own.push([key, convert(pair.value as Node, ctx), pos(keyNode?.range?.[0])]);
    }
    // PyYAML puts merged pairs first: their keys come first, the mapping's own values win
    for (const [key, value] of merged) out[key] = value;
    for (const [key, value, at] of own) {
      // Ansible warns and lets the last value win: a silently dropped `when:` or `become:` hides bugs
      if (keys.has(key)) yamlWarning(`${at.file}:${at.line}:${at.col}: found a duplicate dict key (${key}); using the last defined value only (first at line ${keys.get(key)!.line})`);
      keys.set(key, at);
      out[key] = value;
    }
    return out;
  }
  if (isSeq(node)) {
    const out: unknown[] = [];
    positions.set(out, { at: pos(node.range?.[0]), keys: new Map() });
    ctx.anchors.set(node, out);
    // !!omap and !!pairs hold key/value pairs: PyYAML makes a list of (key, value) tuples
    for (const item of node.items) out.push(isPair(item) ? [convert(item.key as Node, ctx), convert(item.value as Node, ctx)] : convert(item as Node, ctx));
    return out;
  }
  if (isScalar(node)) {
    const value = typeof node.value === 'string' && blockScalarAtEnd(node, ctx) ? node.value.replace(/\n$/, '') : node.value;
    ctx.anchors.set(node, value);
    return value;
  }
  return null;
}

/** A problem the `yaml` library reports, as Ansible would name it. */
function problemMessage(problem: YAMLError): string {
  const first = problem.message.split('\n')[0]!;
  if (problem.code !== 'TAG_RESOLVE_FAILED') return `YAML syntax error: ${first}`;
  const unresolved = /^Unresolved tag: (.*)$/.exec(first);
  return unresolved ? `YAML syntax error: could not determine a constructor for the tag '${unresolved[1]}'` : first;
}

/**
 * Parse YAML text into JS with positions, typed as Ansible's loader types it (PyYAML's YAML 1.1
 * resolvers, JSON numbers for a JSON file); errors, several documents, unknown tags and
 * undefined aliases become InputError with file:line:col.
 */
export function parseYaml(text: string, file: string): unknown {
  const lines = new LineCounter();
  // Ansible tries Python's json module first: a valid JSON file keeps 1e3 and 1.5e3 as floats
  let isJson = true;
  try {
    JSON.parse(text);
  } catch {
    isJson = false;
  }
  // a Schema instance (not a name) so a `%YAML 1.2` directive does not switch typing: PyYAML
  // types every file the same way. Duplicate keys are accepted (last wins, with a warning from
  // convert) as Ansible does
  const docs = parseAllDocuments(text, { lineCounter: lines, version: '1.1', schema: isJson ? ANSIBLE_JSON_SCHEMA : ANSIBLE_YAML_SCHEMA, uniqueKeys: false, prettyErrors: false });
  if (!Array.isArray(docs)) return null;
  for (const doc of docs) {
    // an unknown tag is only a warning to the library; PyYAML has no constructor for it
    const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED' && w.message.startsWith('Unresolved tag'));
    if (problem) {
      const p = lines.linePos(problem.pos[0]);
      throw new InputError(problemMessage(problem), { file, line: p.line, col: p.col });
    }
  }
  if (docs.length === 0) return null;
  if (docs.length > 1) {
    // Ansible reads one document per file: a second one is an error, not silently dropped
    const p = lines.linePos(docs[1]!.range[0]);
    throw new InputError('YAML syntax error: expected a single document in the stream, but found another document', { file, line: p.line, col: p.col, hint: 'a playbook, vars file or inventory is one YAML document; remove the second `---` or split the file' });
  }
  return convert(docs[0]!.contents as Node, { doc: docs[0]!, text, file, lines, anchors: new Map() });
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
