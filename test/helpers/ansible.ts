// Runs the real ansible-playbook (Debian's package) as the reference implementation.
import { spawn, spawnSync } from 'node:child_process';

export interface AnsibleStats {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
  unreachable: number;
}

export const hasAnsible = spawnSync('sh', ['-c', 'command -v ansible-playbook']).status === 0;

/** The environment every run gets: the json callback, no cows, no retry files, no host key prompts. */
const ANSIBLE_ENV = { ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOWS: '1', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_HOST_KEY_CHECKING: 'false' };

/** Per-host stats of the json callback's output, in Drover's key names. */
function statsOf(stdout: string): Record<string, AnsibleStats> {
  const doc = JSON.parse(stdout.slice(stdout.indexOf('{')));
  const stats: Record<string, AnsibleStats> = {};
  for (const [host, s] of Object.entries<any>(doc.stats)) {
    stats[host] = { ok: s.ok, changed: s.changed, failed: s.failures, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored, unreachable: s.unreachable };
  }
  return stats;
}

/** Run ansible-playbook with the json callback; returns per-host stats in Drover's key names. */
export function ansiblePlaybook(args: string[], cwd: string): { code: number; stats: Record<string, AnsibleStats>; raw: string } {
  const res = spawnSync('ansible-playbook', args, { cwd, encoding: 'utf8', env: { ...process.env, ...ANSIBLE_ENV }, maxBuffer: 64 * 1024 * 1024 });
  return { code: res.status ?? 1, stats: statsOf(res.stdout), raw: res.stdout };
}

/**
 * The same without blocking the event loop, so cases can run side by side. Pipelining and a
 * fixed interpreter only save processes per task (no interpreter discovery, no temp module files).
 */
export function ansiblePlaybookAsync(args: string[], cwd: string): Promise<{ code: number; stats: Record<string, AnsibleStats>; raw: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ansible-playbook', args, {
      cwd,
      env: { ...process.env, ...ANSIBLE_ENV, ANSIBLE_PIPELINING: 'true', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code: code ?? 1, stats: statsOf(out), raw: out });
      } catch {
        reject(new Error(`ansible-playbook printed no JSON (exit ${code}):\n${out.slice(-2000)}\n${err.slice(-2000)}`));
      }
    });
  });
}
