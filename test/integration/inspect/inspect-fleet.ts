// Shared by the inspect tests: an inventory over a loopback fleet with per-group inspect_overrides,
// and the findings of a --json run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Fleet } from '../../fleet/fleet.js';
import { drover, type CliResult } from '../../helpers/cli.js';

/** A finding as the JSON report carries it. */
export interface JsonFinding {
  check: string;
  host: string;
  item?: string;
  status: 'ok' | 'warning' | 'critical';
  value?: string;
  message: string;
  isNew?: boolean;
}

/** Group vars as YAML lines under `vars:` (indent 8). */
function varsYaml(vars: Record<string, unknown>): string {
  return Object.entries(vars).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`).join('\n');
}

/**
 * Write an inventory: every host in `fleet`, and groups (name → hosts + vars) on top; the
 * machine is shared by many test runs, so the fleet group relaxes load-per-core unless told.
 */
export function writeInventory(fleet: Fleet, dir: string, groups: Record<string, { hosts: string[]; vars: Record<string, unknown> }> = {}, fleetVars: Record<string, unknown> = {}): string {
  const base = { ansible_user: 'root', ansible_ssh_private_key_file: fleet.keyPath, drover_ssh_known_hosts: fleet.knownHostsPath, inspect_overrides: { 'load-per-core': { warning: 1000, critical: 1000 }, certificates: { dirs: '/etc/inspect-certs' } }, ...fleetVars };
  const text = `all:
  children:
    fleet:
      hosts:
${fleet.hosts.map((h) => `        ${h.name}: {ansible_host: ${h.ip}}`).join('\n')}
      vars:
${varsYaml(base)}
${Object.entries(groups).map(([name, g]) => `    ${name}:\n      hosts:\n${g.hosts.map((h) => `        ${h}: {}`).join('\n')}\n      vars:\n${varsYaml(g.vars)}`).join('\n')}
`;
  const file = join(dir, 'inventory.yml');
  writeFileSync(file, text);
  return file;
}

/** Run `drover inspect ... --json`; returns the CLI result and the report's findings. */
export async function inspectJson(args: string[]): Promise<{ res: CliResult; findings: JsonFinding[]; report: Record<string, any> }> {
  const res = await drover(['inspect', ...args, '--json'], { timeoutMs: 120_000 });
  let report: Record<string, any>;
  try {
    report = JSON.parse(res.stdout);
  } catch {
    assert.fail(`no JSON report (exit ${res.code}): ${res.stderr}${res.stdout.slice(0, 2000)}`);
  }
  return { res, findings: report.findings, report };
}

/** The failing findings as "check host item status" strings, sorted. */
export function failures(findings: JsonFinding[]): string[] {
  return findings.filter((f) => f.status !== 'ok').map((f) => `${f.check} ${f.host}${f.item ? ` ${f.item}` : ''} ${f.status}`).sort();
}
