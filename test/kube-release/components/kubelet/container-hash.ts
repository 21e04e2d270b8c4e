// The hash a kubelet keeps of each container's spec to notice spec changes. 1.5 hashed its
// internal api.Container, 1.6 hashes v1.Container (which also has terminationMessagePolicy);
// the hashed text carries the type, so the same pod spec hashes differently across the two,
// which is why a 1.6 kubelet (even with --enable-cri=false) kills and re-creates 1.5 containers.

type Obj = Record<string, any>;

/** FNV-1a, 32 bits, as hex (the width of the hash in 1.5 container names). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The hash a kubelet of this minor computes for a container spec. */
export function containerHash(container: Obj, minor: '1.5' | '1.6'): string {
  const fields = { name: container.name, image: container.image ?? '', command: container.command ?? [], args: container.args ?? [], env: container.env ?? [], ports: container.ports ?? [], resources: container.resources ?? {}, workingDir: container.workingDir ?? '' };
  const typed = minor === '1.5' ? { type: 'api.Container', ...fields } : { type: 'v1.Container', ...fields, terminationMessagePolicy: container.terminationMessagePolicy ?? 'File' };
  return fnv1a(JSON.stringify(typed));
}
