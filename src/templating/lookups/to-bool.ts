// Ansible's boolean(value, strict=False) for lookup flags.
/** yes/on/1/true (any case) and true are true; everything else is false. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return ['yes', 'on', '1', 'true', 'y', 't'].includes(String(v).toLowerCase());
}
