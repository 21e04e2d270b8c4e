// The shapes shared by the corpus, both sides of the harness and the report.
import type { Typed } from './typed-value.js';

/** How a case's input is consumed (see ansible-driver.py for Ansible's call per mode). */
export type Mode = 'value' | 'text' | 'cond' | 'yaml';

/** One input fed to both implementations. */
export interface Case {
  id: string;
  area: string;
  mode: Mode;
  input: string;
  vars?: Record<string, unknown>;
  /** Uses only what stock Jinja2 has (no Ansible filter, test or lookup): an engine-comparison candidate. */
  builtin: boolean;
}

/** What one side made of a case. */
export type Outcome = { value: Typed } | { error: { class: string; message: string } };
