// k8s_node_label (Drover's own): set or remove labels on a node with one JSON merge patch
// on metadata.labels, sent only when some label differs.
import { stringify } from 'yaml';
import { ArgError } from '../args.js';
import type { ModuleDef, ModuleResult } from '../types.js';
import { KUBE_ARGS, kubeFor } from './kube-target.js';

/** Label values are strings in the API; YAML's true/1 arrive as booleans/numbers. */
function labelValue(key: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') throw new ArgError(`labels.${key}: a label value must be a string, got ${Array.isArray(value) ? 'a list' : 'a mapping'}`, `labels.${key}`);
  return String(value);
}

/** The merge patch that takes `current` to the wanted labels (null removes), or undefined when nothing differs. */
export function labelPatch(current: Record<string, string>, wanted: Record<string, unknown>, state: 'present' | 'absent'): Record<string, string | null> | undefined {
  const patch: Record<string, string | null> = {};
  for (const [key, raw] of Object.entries(wanted)) {
    const value = state === 'absent' ? null : labelValue(key, raw);
    if (value === null ? key in current : current[key] !== value) patch[key] = value;
  }
  return Object.keys(patch).length ? patch : undefined;
}

/** Labels after applying a merge patch. */
export function applyLabelPatch(current: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const out = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

function sortedYaml(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return keys.length ? stringify(Object.fromEntries(keys.map((k) => [k, labels[k]]))) : '{}\n';
}

/** k8s_node_label: `labels: {k: v, gone: null}` on node `name`; state absent removes the listed keys. */
export const k8sNodeLabelModule: ModuleDef = {
  name: 'k8s_node_label',
  controllerOnly: true,
  supportsCheck: true,
  args: {
    name: { type: 'str', required: true },
    labels: { type: 'dict', required: true },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    ...KUBE_ARGS,
  },
  async run(ctx) {
    const name = String(ctx.args.name);
    const kube = await kubeFor(ctx);
    try {
      const node = await kube.client.core.readNode({ name });
      const current = (node.metadata?.labels ?? {}) as Record<string, string>;
      const patch = labelPatch(current, ctx.args.labels as Record<string, unknown>, ctx.args.state as 'present' | 'absent');
      if (!patch) return { changed: false, labels: current };
      const after = applyLabelPatch(current, patch);
      const result: ModuleResult = { changed: true, labels: after, patch: { metadata: { labels: patch } } };
      if (ctx.diff) {
        const header = `node/${name} metadata.labels`;
        result.diff = [{ before: sortedYaml(current), after: sortedYaml(after), before_header: header, after_header: header }];
      }
      if (!ctx.check) {
        const updated = await kube.client.core.patchNode({ name, body: { metadata: { labels: patch } } }, kube.mergePatch);
        result.labels = updated.metadata?.labels ?? {};
      }
      return result;
    } catch (err) {
      if (kube.status(err) === undefined) throw err;
      return { changed: false, failed: true, msg: kube.status(err) === 404 ? `node ${name} not found` : `labelling node ${name}: ${kube.message(err)}` };
    }
  },
};
