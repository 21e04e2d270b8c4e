// Turning k8s's `definition`/`src` into a list of objects: a mapping, a list of them, a
// multi-document YAML string, or a `kind: List` with items, the shapes kubectl apply accepts.
import { parseAllDocuments } from 'yaml';
import { ArgError } from '../args.js';

/** A manifest as read: apiVersion, kind and metadata at least. */
export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

function fromYaml(text: string, where: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new ArgError(`${where}: YAML error: ${doc.errors[0]!.message}`, where);
    out.push(doc.toJS());
  }
  return out;
}

function expand(value: unknown, where: string, out: Manifest[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    for (const d of fromYaml(value, where)) expand(d, where, out);
  } else if (Array.isArray(value)) {
    for (const d of value) expand(d, where, out);
  } else if (typeof value === 'object') {
    const m = value as Manifest;
    // kubectl's List wrapper (kubectl get -o yaml prints one) holds the real objects in items.
    if (typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items)) expand(m.items, where, out);
    else out.push(m);
  } else {
    throw new ArgError(`${where}: expected a mapping, a list or YAML text, got ${typeof value}`, where);
  }
}

/** The objects a definition (or a src file's text) describes; `where` names the argument in errors. */
export function manifestDocs(definition: unknown, where = 'definition'): Manifest[] {
  const out: Manifest[] = [];
  expand(definition, where, out);
  return out;
}

/** Fill what the task's own args give (namespace, kind, api_version, name) where a manifest leaves it out. */
export function withDefaults(doc: Manifest, defaults: { namespace?: string; kind?: string; apiVersion?: string; name?: string }): Manifest {
  const metadata = { ...(doc.metadata ?? {}) };
  if (!metadata.name && defaults.name) metadata.name = defaults.name;
  if (!metadata.namespace && defaults.namespace) metadata.namespace = defaults.namespace;
  return { ...doc, apiVersion: doc.apiVersion ?? defaults.apiVersion, kind: doc.kind ?? defaults.kind, metadata };
}

/** `Kind/namespace/name` (or `Kind/name`) for messages. */
export function manifestRef(doc: Manifest): string {
  const ns = doc.metadata?.namespace;
  return `${doc.kind ?? '?'}/${ns ? `${ns}/` : ''}${doc.metadata?.name ?? '?'}`;
}
