// The three PATCH flavours kubectl and client-node send: JSON merge patch (RFC 7386),
// strategic merge patch (here: merge semantics plus the `$patch: delete|replace` directive on
// maps; list merge keys are not modelled, lists are replaced) and JSON patch (RFC 6902).

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json, strategic = false): Json {
  if (!isObj(patch)) return patch;
  if (strategic && patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  if (strategic && patch.$patch === 'delete') return undefined;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (strategic && k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else {
      const merged = mergePatch(out[k], v, strategic);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  return out;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parent(doc: Json, path: string): { container: Obj | Json[]; key: string } {
  const parts = path.split('/').slice(1).map(unescape);
  const key = parts.pop();
  if (key === undefined) throw new Error('JSON patch path must not be empty');
  let cur: Json = doc;
  for (const p of parts) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (cur === undefined) throw new Error(`JSON patch path ${path}: ${p} does not exist`);
  }
  return { container: cur as Obj | Json[], key };
}

function getAt(doc: Json, path: string): Json {
  if (path === '') return doc;
  const { container, key } = parent(doc, path);
  return Array.isArray(container) ? container[Number(key)] : (container as Obj)[key];
}

/** RFC 6902 on a deep copy: add, remove, replace, test, move, copy. */
export function jsonPatch(target: Json, ops: { op: string; path: string; value?: Json; from?: string }[]): Json {
  const doc = structuredClone(target);
  for (const op of ops) {
    const write = (path: string, value: Json, insert: boolean): void => {
      const { container, key } = parent(doc, path);
      if (Array.isArray(container)) {
        const i = key === '-' ? container.length : Number(key);
        if (insert) container.splice(i, 0, value);
        else container[i] = value;
      } else {
        if (!insert && !(key in container)) throw new Error(`JSON patch replace: ${path} does not exist`);
        (container as Obj)[key] = value;
      }
    };
    const remove = (path: string): Json => {
      const { container, key } = parent(doc, path);
      if (Array.isArray(container)) return container.splice(Number(key), 1)[0];
      if (!(key in container)) throw new Error(`JSON patch remove: ${path} does not exist`);
      const v = (container as Obj)[key];
      delete (container as Obj)[key];
      return v;
    };
    switch (op.op) {
      case 'add': write(op.path, op.value, true); break;
      case 'replace': write(op.path, op.value, false); break;
      case 'remove': remove(op.path); break;
      case 'move': write(op.path, remove(op.from!), true); break;
      case 'copy': write(op.path, structuredClone(getAt(doc, op.from!)), true); break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) throw new Error(`JSON patch test failed at ${op.path}`);
        break;
      default: throw new Error(`JSON patch: unknown op '${op.op}'`);
    }
  }
  return doc;
}
