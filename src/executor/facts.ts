// gather_facts: one POSIX sh round trip prints key=value lines; process() turns them into
// the small fact set playbooks actually use (names as Ansible's setup module has them).
import type { Connection, ExecOptions } from '../connections/types.js';

/** The command that collects facts on the target (sh + coreutils only). */
export const FACTS_COMMAND = [
  'echo "hostname=$(hostname 2>/dev/null || uname -n)"',
  'echo "fqdn=$(hostname -f 2>/dev/null || hostname 2>/dev/null || uname -n)"',
  'echo "nodename=$(uname -n)"',
  'echo "system=$(uname -s)"',
  'echo "kernel=$(uname -r)"',
  'echo "machine=$(uname -m)"',
  'echo "vcpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"',
  "echo \"memtotal_kb=$(awk '/^MemTotal:/{print $2}' /proc/meminfo 2>/dev/null)\"",
  "echo \"memfree_kb=$(awk '/^MemAvailable:/{print $2}' /proc/meminfo 2>/dev/null)\"",
  'echo "user_id=$(id -un)"',
  'echo "user_uid=$(id -u)"',
  'echo "user_gid=$(id -g)"',
  'echo "user_dir=$HOME"',
  'echo "user_shell=$SHELL"',
  'echo "pid1=$(cat /proc/1/comm 2>/dev/null)"',
  'echo "epoch=$(date +%s)"',
  'echo "tz=$(date +%Z)"',
  'if [ -r /etc/os-release ]; then sed -n "s/^\\(ID\\|VERSION_ID\\|VERSION_CODENAME\\|NAME\\|PRETTY_NAME\\)=\\"\\{0,1\\}\\([^\\"]*\\)\\"\\{0,1\\}$/os_\\1=\\2/p" /etc/os-release; fi',
  'echo "---env---"',
  'env',
].join('; ');

const DISTRIBUTIONS: Record<string, [string, string]> = {
  debian: ['Debian', 'Debian'],
  ubuntu: ['Ubuntu', 'Debian'],
  centos: ['CentOS', 'RedHat'],
  rhel: ['RedHat', 'RedHat'],
  rocky: ['Rocky', 'RedHat'],
  almalinux: ['AlmaLinux', 'RedHat'],
  fedora: ['Fedora', 'RedHat'],
  alpine: ['Alpine', 'Alpine'],
  arch: ['Archlinux', 'Archlinux'],
  sles: ['SLES', 'Suse'],
  opensuse: ['openSUSE Leap', 'Suse'],
};

const SERVICE_MANAGERS: Record<string, string> = { systemd: 'systemd', init: 'sysvinit', 'openrc-init': 'openrc' };

/** Parse FACTS_COMMAND's output into facts (keys without the ansible_ prefix). */
export function processFacts(stdout: string): Record<string, unknown> {
  const [head = '', envText = ''] = stdout.split('---env---\n');
  const raw: Record<string, string> = {};
  for (const line of head.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) raw[line.slice(0, i)] = line.slice(i + 1);
  }
  const env: Record<string, string> = {};
  for (const line of envText.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(line.slice(0, i))) env[line.slice(0, i)] = line.slice(i + 1);
  }
  const id = (raw.os_ID ?? '').toLowerCase();
  const [distribution, family] = DISTRIBUTIONS[id] ?? [raw.os_NAME || raw.system || 'Unknown', raw.os_NAME || 'Unknown'];
  const version = raw.os_VERSION_ID ?? '';
  const epoch = Number(raw.epoch ?? 0);
  const d = new Date(epoch * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const memKb = Number(raw.memtotal_kb ?? 0);
  const hostname = raw.hostname ?? '';
  return {
    hostname: hostname.split('.')[0],
    nodename: raw.nodename,
    fqdn: raw.fqdn,
    system: raw.system,
    kernel: raw.kernel,
    architecture: raw.machine,
    machine: raw.machine,
    processor_vcpus: Number(raw.vcpus ?? 1),
    processor_count: Number(raw.vcpus ?? 1),
    memtotal_mb: Math.floor(memKb / 1024),
    memfree_mb: Math.floor(Number(raw.memfree_kb ?? 0) / 1024),
    distribution,
    os_family: family,
    distribution_version: version,
    distribution_major_version: version.split('.')[0] ?? '',
    distribution_release: raw.os_VERSION_CODENAME ?? '',
    user_id: raw.user_id,
    user_uid: Number(raw.user_uid),
    user_gid: Number(raw.user_gid),
    user_dir: raw.user_dir,
    user_shell: raw.user_shell,
    service_mgr: SERVICE_MANAGERS[raw.pid1 ?? ''] ?? raw.pid1 ?? 'unknown',
    env,
    date_time: {
      epoch: String(epoch),
      date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
      time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
      year: String(d.getUTCFullYear()),
      month: pad(d.getUTCMonth() + 1),
      day: pad(d.getUTCDate()),
      hour: pad(d.getUTCHours()),
      minute: pad(d.getUTCMinutes()),
      second: pad(d.getUTCSeconds()),
      iso8601: d.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      tz: raw.tz,
    },
  };
}

/** Gather the fact set from a connected host (setup passes its become, timeout and abort signal). */
export async function gatherFacts(conn: Connection, options: ExecOptions = {}): Promise<{ rc: number; facts: Record<string, unknown>; stderr: string }> {
  const res = await conn.exec(FACTS_COMMAND, options);
  return { rc: res.rc, facts: processFacts(res.stdout), stderr: res.stderr };
}
