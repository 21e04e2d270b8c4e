// Runs ansible-playbook without blocking the event loop, so parity cases can run side by side
// (the shared helper uses spawnSync, which would serialise them). Pipelining and a fixed
// interpreter only save processes per task (no interpreter discovery, no temp module files).
import { spawn } from 'node:child_process';
import type { AnsibleStats } from '../../helpers/ansible.js';

/** ansible-playbook with the json callback; per-host stats in Drover's key names. */
export function ansiblePlaybookAsync(args: string[], cwd: string): Promise<{ code: number; stats: Record<string, AnsibleStats>; raw: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ansible-playbook', args, {
      cwd,
      env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOWS: '1', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_HOST_KEY_CHECKING: 'false', ANSIBLE_PIPELINING: 'true', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const start = out.indexOf('{');
      let doc: any;
      try {
        doc = JSON.parse(out.slice(start));
      } catch {
        reject(new Error(`ansible-playbook printed no JSON (exit ${code}):\n${out.slice(-2000)}\n${err.slice(-2000)}`));
        return;
      }
      const stats: Record<string, AnsibleStats> = {};
      for (const [host, s] of Object.entries<any>(doc.stats)) {
        stats[host] = { ok: s.ok, changed: s.changed, failed: s.failures, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored, unreachable: s.unreachable };
      }
      resolve({ code: code ?? 1, stats, raw: out });
    });
  });
}
