// k8s (kubernetes.core.k8s): make objects exist as a manifest says (create, or a JSON merge
// patch when some field differs) or make them absent. Whether anything would change is
// decided by comparing with what the API returns, so check mode needs no dry-run support.
import type { KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ArgError } from '../args.js';
import type { FileDiff, ModuleContext, ModuleDef, ModuleResult } from '../types.js';
import { KUBE_ARGS, kubeFor, type Kube } from './kube-target.js';
import { manifestDocs, manifestRef, withDefaults, type Manifest } from './manifests.js';
import { isSubset, mergePatch, withoutBookkeeping } from './object-merge.js';

const MERGE_PATCH: PatchStrategy = 'application/merge-patch+json';
const FIELD_MANAGER = 'drover';

/** One object's outcome, in kubernetes.core.k8s's shape. */
interface ObjectResult {
  changed: boolean;
  method: 'create' | 'patch' | 'delete' | 'none';
  result: unknown;
  diff?: FileDiff;
  failed?: boolean;
  msg?: string;
}

function yamlOf(obj: unknown): string {
  return obj === undefined ? '' : stringify(withoutBookkeeping(obj));
}

function diffOf(doc: Manifest, before: unknown, after: unknown): FileDiff {
  const header = manifestRef(doc);
  return { before: yamlOf(before), after: yamlOf(after), before_header: header, after_header: header };
}

async function readExisting(kube: Kube, doc: Manifest): Promise<KubernetesObject | undefined> {
  const header = { apiVersion: doc.apiVersion!, kind: doc.kind!, metadata: { name: doc.metadata!.name!, namespace: doc.metadata?.namespace } };
  try {
    return await kube.client.objects.read(header);
  } catch (err) {
    if (kube.status(err) === 404) return undefined;
    throw err;
  } finally {
    // client-node fills in the default namespace for namespaced kinds (and only those): keep it for results and messages.
    if (header.metadata.namespace && doc.metadata) doc.metadata.namespace = header.metadata.namespace;
  }
}

async function present(ctx: ModuleContext, kube: Kube, doc: Manifest): Promise<ObjectResult> {
  const have = await readExisting(kube, doc);
  if (!have) {
    const result = ctx.check ? doc : await kube.client.objects.create(doc as KubernetesObject, undefined, undefined, FIELD_MANAGER);
    return { changed: true, method: 'create', result, diff: diffOf(doc, undefined, doc) };
  }
  // The server sets status itself; a manifest's status never counts as a difference.
  const { status: _status, ...want } = doc;
  if (isSubset(want, have)) return { changed: false, method: 'none', result: have };
  const after = ctx.check ? mergePatch(have, want) : await kube.client.objects.patch(want as KubernetesObject, undefined, undefined, FIELD_MANAGER, undefined, MERGE_PATCH);
  return { changed: true, method: 'patch', result: after, diff: diffOf(doc, have, after) };
}

async function absent(ctx: ModuleContext, kube: Kube, doc: Manifest): Promise<ObjectResult> {
  const have = await readExisting(kube, doc);
  if (!have) return { changed: false, method: 'none', result: {} };
  if (!ctx.check) {
    try {
      await kube.client.objects.delete(doc as KubernetesObject);
    } catch (err) {
      // Gone between our read and the delete: the state we wanted.
      if (kube.status(err) !== 404) throw err;
    }
  }
  return { changed: true, method: 'delete', result: {}, diff: diffOf(doc, have, undefined) };
}

function docsFor(ctx: ModuleContext): Manifest[] {
  const { definition, src } = ctx.args;
  if (definition !== undefined && definition !== null && src !== undefined && src !== null) throw new ArgError('definition and src are mutually exclusive', 'src');
  let docs: Manifest[];
  if (src !== undefined && src !== null) {
    const path = ctx.findFile('files', String(src));
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ArgError(`src: cannot read ${path}: ${(err as Error).message}`, 'src');
    }
    docs = manifestDocs(text, 'src');
  } else if (definition !== undefined && definition !== null) {
    docs = manifestDocs(definition, 'definition');
  } else {
    docs = [{}];
  }
  const defaults = { namespace: ctx.args.namespace as string | undefined, kind: ctx.args.kind as string | undefined, apiVersion: ctx.args.api_version as string | undefined, name: ctx.args.name as string | undefined };
  return docs.map((d) => {
    const doc = withDefaults(d, defaults);
    if (!doc.kind || !doc.metadata?.name) throw new ArgError(`${manifestRef(doc)}: every object needs kind and metadata.name (or the kind/name arguments)`, doc.kind ? 'name' : 'kind');
    doc.apiVersion ??= 'v1';
    return doc;
  });
}

/** kubernetes.core.k8s: definition (mapping, list or YAML text) or src, state present|absent. */
export const k8sModule: ModuleDef = {
  name: 'k8s',
  aliases: ['kubernetes.core.k8s'],
  controllerOnly: true,
  supportsCheck: true,
  args: {
    definition: { type: 'raw', aliases: ['resource_definition', 'inline'] },
    src: { type: 'path' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    namespace: { type: 'str' },
    kind: { type: 'str' },
    name: { type: 'str' },
    api_version: { type: 'str', default: 'v1', aliases: ['api', 'version'] },
    ...KUBE_ARGS,
  },
  async run(ctx) {
    const docs = docsFor(ctx);
    const kube = await kubeFor(ctx);
    const results: ObjectResult[] = [];
    for (const doc of docs) {
      try {
        results.push(ctx.args.state === 'absent' ? await absent(ctx, kube, doc) : await present(ctx, kube, doc));
      } catch (err) {
        results.push({ changed: false, failed: true, method: 'none', result: {}, msg: `${manifestRef(doc)}: ${kube.message(err)}` });
        break;
      }
    }
    const changed = results.some((r) => r.changed);
    const failed = results.find((r) => r.failed);
    const diffs = ctx.diff ? results.flatMap((r) => (r.changed && r.diff ? [r.diff] : [])) : [];
    const out: ModuleResult = { changed, ...(diffs.length ? { diff: diffs } : {}) };
    if (failed) Object.assign(out, { failed: true, msg: failed.msg });
    const strip = ({ diff: _d, ...r }: ObjectResult): Omit<ObjectResult, 'diff'> => r;
    if (docs.length === 1 && results.length === 1) Object.assign(out, { method: results[0]!.method, result: results[0]!.result });
    else out.result = { results: results.map(strip) };
    return out;
  },
};
