// The contract between a lookup plugin and the templar that calls it (Ansible's LookupBase.run).
import type { Templar } from '../types.js';

/** What a lookup sees besides its terms: the variables, the templar, where files are found. */
export interface LookupContext {
  vars: Record<string, unknown>;
  templar: Templar;
  /** first_found's directory under each search path, from the task's action (Ansible's `_subdir`). */
  subdir?: string;
  /** A value that must be masked in output (password). */
  onSecret?: (value: string) => void;
  /** Where `errors=warn` messages go. */
  warn?: (message: string) => void;
}

/** One lookup: terms (already templated) and keyword options in, a list out. */
export type LookupRun = (terms: unknown[], options: Record<string, unknown>, ctx: LookupContext) => unknown[];

/** A failure the lookup itself reports (Ansible's AnsibleLookupError): its message is shown as is. */
export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookupError';
  }
}

/** Ansible's `name=value` option check: an option the lookup does not know is an error naming it. */
export function checkOptions(name: string, options: Record<string, unknown>, known: string[]): void {
  const bad = Object.keys(options).filter((k) => !known.includes(k));
  if (bad.length) throw new LookupError(`Unrecognized option(s) for the ${name} lookup: ${bad.join(', ')} (valid: ${known.join(', ') || 'none'})`);
}
