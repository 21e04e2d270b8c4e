// Ansible's boolean(value, strict=False) for lookup flags.
import { TRUE_WORDS } from '../../util/bool-words.js';

/** The words Ansible reads as true (any case) and true are true; everything else is false. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return TRUE_WORDS.has(String(v).toLowerCase());
}
