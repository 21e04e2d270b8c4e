// Runs the real ansible-playbook (Debian's package) as the reference implementation.
import { spawnSync } from 'node:child_process';

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

/** Run ansible-playbook with the json callback; returns per-host stats in Drover's key names. */
export function ansiblePlaybook(args: string[], cwd: string): { code: number; stats: Record<string, AnsibleStats>; raw: string } {
  const res = spawnSync('ansible-playbook', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOWS: '1', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_HOST_KEY_CHECKING: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const start = res.stdout.indexOf('{');
  const doc = JSON.parse(res.stdout.slice(start));
  const stats: Record<string, AnsibleStats> = {};
  for (const [host, s] of Object.entries<any>(doc.stats)) {
    stats[host] = { ok: s.ok, changed: s.changed, failed: s.failures, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored, unreachable: s.unreachable };
  }
  return { code: res.status ?? 1, stats, raw: res.stdout };
}
