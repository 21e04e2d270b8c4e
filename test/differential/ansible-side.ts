// Runs a batch of cases through real Ansible (ansible-driver.py, one Python process).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Case, Outcome } from './case-types.js';

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'ansible-driver.py');

/** Debian's ansible-core lives in the system Python, not in a pyenv or venv one. */
export const PYTHON = process.env.DIFFERENTIAL_PYTHON ?? '/usr/bin/python3';

/** Ansible's outcome for every case, in order, and the ansible-core version that produced them. */
export function runAnsible(cases: Case[]): { results: Outcome[]; version: string } {
  const input = JSON.stringify({ cases: cases.map(({ mode, input, vars }) => ({ mode, input, vars })) });
  const res = spawnSync(PYTHON, [DRIVER], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`ansible driver failed (exit ${res.status}): ${res.stderr.slice(-2000)}`);
  const out = JSON.parse(res.stdout) as { results: Outcome[]; ansible: string };
  if (out.results.length !== cases.length) throw new Error(`ansible driver returned ${out.results.length} results for ${cases.length} cases`);
  return { results: out.results, version: out.ansible };
}
