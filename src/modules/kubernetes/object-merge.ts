// What a JSON merge patch (RFC 7386) would do to an object, so that k8s can tell whether a
// manifest is already applied and predict the result in check mode without a dry-run call.

import { sameQuantity } from '../../kubernetes/quantity.js';

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * True when applying `want` would leave `have` as it is. Lists count element by element and
 * must have the same length, so fields the server defaults inside list items (a container's
 * imagePullPolicy) do not make every run "changed".
 */
export function isSubset(want: Json, have: Json): boolean {
  if (want === null) return have === undefined || have === null;
  if (Array.isArray(want)) return Array.isArray(have) && have.length === want.length && want.every((w, i) => isSubset(w, have[i]));
  if (isObject(want)) return isObject(have) && Object.entries(want).every(([k, w]) => isSubset(w, have[k]));
  // the server stores quantities canonically (`cpu: 0.5` comes back as "500m"): same value, same field
  return want === have || (typeof have === 'string' && typeof want !== 'boolean' && sameQuantity(want, have));
}

/** `target` after the merge patch `patch` (RFC 7386: null deletes, objects merge, anything else replaces). */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const NOISY_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];

/** An object without server bookkeeping (status, resourceVersion, managedFields...), for diffs. */
export function withoutBookkeeping(obj: Json): Json {
  if (!isObject(obj)) return obj;
  const { status: _status, ...rest } = obj;
  if (isObject(rest.metadata)) {
    const metadata = { ...rest.metadata };
    for (const k of NOISY_METADATA) delete metadata[k];
    rest.metadata = metadata;
  }
  return rest;
}
