// What the guard does on the control-plane hosts: one command per host, every host at once, over
// the connections its probes already opened. An outage cannot wait for a playbook run (engine
// start, fresh connections, one task per unit: about 5 s on the test machine); the stage
// playbooks stay what `cluster stop`/`cluster start` run.
import type { HostExec } from '../verify.js';

/** The units the guard stops and starts (the ones `cluster deploy` installs). */
export const GUARDED_UNITS = ['kube-controller-manager', 'kube-scheduler'] as const;

/** Whether each guarded component runs on a host, from one pgrep per unit in one command. */
export interface HostProcesses {
  host: string;
  component: string;
  running: boolean;
}

const pattern = (unit: string): string => `'^(/usr/bin/env )?(node )?/usr/local/bin/${unit}( |$)'`;

/** Which guarded components run on each host (an unreachable host counts as not running). */
export async function guardedProcesses(exec: HostExec, hosts: string[]): Promise<HostProcesses[]> {
  const cmd = GUARDED_UNITS.map((u) => `pgrep -f ${pattern(u)} >/dev/null; echo ${u}=$?`).join('; ');
  const per = await Promise.all(
    hosts.map(async (host) => {
      const r = await exec(host, cmd);
      return GUARDED_UNITS.map((component) => ({ host, component, running: new RegExp(`^${component}=0$`, 'm').test(r.stdout) }));
    }),
  );
  return per.flat();
}

/**
 * `systemctl stop|start` of the given units on every host in parallel, one systemctl per unit at
 * once (systemd runs the jobs side by side anyway; the test hosts' daemonless systemctl would
 * otherwise handle them one after the other, polling each once a second); what each host answered.
 */
export async function systemctlEverywhere(exec: HostExec, units: Map<string, string[]>, action: 'stop' | 'start'): Promise<{ host: string; ok: boolean; what: string }[]> {
  return Promise.all(
    [...units].map(async ([host, list]) => {
      const each = list.map((u, i) => `systemctl ${action} ${u} 2>&1 & p${i}=$!`).join('; ');
      const waits = list.map((_, i) => `wait $p${i} || rc=1`).join('; ');
      const r = await exec(host, `rc=0; ${each}; ${waits}; exit $rc`);
      const text = `${r.stdout}${r.stderr}`.trim().split('\n').pop() ?? '';
      return { host, ok: r.rc === 0, what: r.rc === 0 ? `systemctl ${action} ${list.join(' ')}: ok` : `systemctl ${action}: rc ${r.rc}${text ? ` (${text.slice(0, 120)})` : ''}` };
    }),
  );
}

/** Group host/component pairs by host, for systemctlEverywhere. */
export function byHost(list: { host: string; component: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of list) out.set(p.host, [...(out.get(p.host) ?? []), p.component]);
  return out;
}
