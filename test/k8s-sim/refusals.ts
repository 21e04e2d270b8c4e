// What a real API server refuses or rewrites, so Drover's tests meet it here first: field
// selectors on fields the resource does not index (400), label/annotation/ConfigMap values
// that are not strings (400, as Go's JSON decoding refuses them) or bad label values (422),
// quantities stored in canonical form (`cpu: 0.5` → "500m"), list paging with
// limit/continue, eviction bodies, and an RBAC switch (ROOT/forbid: lines `verb resource`).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalQuantity } from '../../src/kubernetes/quantity.js';
import { ApiError } from './store.js';

type Obj = Record<string, any>;

const COMMON = ['metadata.name', 'metadata.namespace'];
// the field labels real apiservers index per resource (pkg/registry/*/strategy.go)
const FIELD_LABELS: Record<string, string[]> = {
  pods: [...COMMON, 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  nodes: [...COMMON, 'spec.unschedulable'],
  events: [...COMMON, 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  namespaces: [...COMMON, 'status.phase'],
  secrets: [...COMMON, 'type'],
  replicasets: [...COMMON, 'status.replicas'],
  jobs: [...COMMON, 'status.successful'],
};

/** 400 for a field selector on a field this resource cannot be selected by. */
export function checkFieldSelector(plural: string, selector: string, kind: string): void {
  const allowed = FIELD_LABELS[plural] ?? COMMON;
  for (const req of selector.split(',').filter((s) => s.trim())) {
    const field = /^\s*([^=!\s]+)/.exec(req)?.[1] ?? req;
    if (!allowed.includes(field)) throw new ApiError(400, 'BadRequest', `Unable to find "${kind}" that match field selector "${selector}": field label not supported: ${field}`);
  }
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function stringMap(obj: Obj | undefined, what: string, goType: string): void {
  for (const [k, v] of Object.entries(obj ?? {})) {
    if (typeof v !== 'string') throw new ApiError(400, 'BadRequest', `json: cannot unmarshal ${typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : typeof v} into Go struct field ${goType} of type string (${what} "${k}")`);
  }
}

/** 400/422 for values a real server would not accept in metadata or a ConfigMap. */
export function checkTypes(kind: string, obj: Obj): void {
  stringMap(obj.metadata?.labels, 'label', 'ObjectMeta.metadata.labels');
  stringMap(obj.metadata?.annotations, 'annotation', 'ObjectMeta.metadata.annotations');
  for (const [k, v] of Object.entries<string>(obj.metadata?.labels ?? {})) {
    if (v.length > 63 || !LABEL_VALUE.test(v)) throw new ApiError(422, 'Invalid', `${kind} "${obj.metadata?.name}" is invalid: metadata.labels: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (label ${k})`);
  }
  if (kind === 'ConfigMap') {
    stringMap(obj.data, 'data key', 'ConfigMap.data');
    stringMap(obj.binaryData, 'binaryData key', 'ConfigMap.binaryData');
  }
}

function normalizeContainers(spec: Obj | undefined): void {
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])] as Obj[]) {
    for (const part of ['requests', 'limits']) {
      const m = c?.resources?.[part] as Obj | undefined;
      for (const k of Object.keys(m ?? {})) {
        const canon = canonicalQuantity(m![k]);
        if (canon === undefined) throw new ApiError(400, 'BadRequest', `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (resources.${part}.${k}: ${JSON.stringify(m![k])})`);
        m![k] = canon;
      }
    }
  }
}

/** Quantities in a pod spec or a pod template stored canonically, as the API server does. */
export function normalizeQuantities(obj: Obj): void {
  normalizeContainers(obj.spec);
  normalizeContainers(obj.spec?.template?.spec);
  normalizeContainers(obj.spec?.jobTemplate?.spec?.template?.spec);
}

/** A page of a list: `limit` items after the `continue` token, and the token for the next page. */
export function page(items: Obj[], limitParam: string | null, token: string | null, rv: string): { items: Obj[]; continue?: string; remainingItemCount?: number } {
  let start = 0;
  if (token) {
    try {
      const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: string; start: number };
      start = t.start;
    } catch {
      throw new ApiError(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
    }
  }
  const limit = Number(limitParam ?? 0);
  if (!limit || limit <= 0) return { items: items.slice(start) };
  const slice = items.slice(start, start + limit);
  const next = start + limit;
  if (next >= items.length) return { items: slice };
  return { items: slice, continue: Buffer.from(JSON.stringify({ rv, start: next })).toString('base64url'), remainingItemCount: items.length - next };
}

/** 400 unless an eviction body is an Eviction naming this pod. */
export function checkEviction(body: Obj, pod: string): void {
  if (body.kind !== 'Eviction') throw new ApiError(400, 'BadRequest', `the body of the request was not an Eviction (kind ${JSON.stringify(body.kind)})`);
  if (body.metadata?.name !== pod) throw new ApiError(400, 'BadRequest', `name in URL does not match name in Eviction object (${JSON.stringify(body.metadata?.name)} vs "${pod}")`);
}

/** 403 when ROOT/forbid lists this verb on this resource (`patch nodes`, `create pods/eviction`, `* secrets`). */
export function checkForbidden(root: string, verb: string, resource: string, namespace: string | undefined): void {
  const file = join(root, 'forbid');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [v, r] = line.trim().split(/\s+/);
    if (!v || !r || (v !== '*' && v !== verb) || r !== resource) continue;
    const [plural, sub] = resource.split('/');
    throw new ApiError(403, 'Forbidden', `${resource} is forbidden: User "sim-admin" cannot ${verb} resource "${plural}"${sub ? ` subresource "${sub}"` : ''}${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`, { kind: plural });
  }
}
