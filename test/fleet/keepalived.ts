// Run Debian's keepalived on hosts of a netns fleet, the way an operator would: config written
// and daemon started over ssh from the hub. keepalived runs in the foreground under tini
// (`-n`), because Debian's unit is Type=notify and keepalived only notifies a systemd parent:
// the fleet's daemonless systemctl would block ~3 minutes on it.
import { keepalivedConf, type VrrpNode } from './keepalived-conf.js';
import type { Fleet } from './fleet.js';

/** Ssh from the hub to `ip`; throws with stderr on failure. */
export function sshFromHub(fleet: Fleet, ip: string, cmd: string): string {
  const r = fleet.hubExec('ssh', ['-F', fleet.sshConfigPath, '-o', 'ConnectTimeout=5', ip, cmd]);
  if (r.status !== 0) throw new Error(`ssh ${ip} ${cmd.slice(0, 80)}: rc ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Write each host's keepalived.conf and start keepalived (log: /var/log/keepalived.log). */
export function startKeepalived(fleet: Fleet, o: { hosts: { name: string; priority: number }[]; vip: string; prefix?: number; checkScript: string; weight?: number; preempt?: boolean }): VrrpNode[] {
  const nodes = o.hosts.map((h) => {
    const host = fleet.hosts.find((x) => x.name === h.name);
    if (!host) throw new Error(`no host ${h.name}`);
    return { name: h.name, ip: host.ip, priority: h.priority };
  });
  for (const n of nodes) {
    const conf = keepalivedConf({ self: n, nodes, vip: o.vip, prefix: o.prefix ?? 16, checkScript: o.checkScript, weight: o.weight, preempt: o.preempt });
    sshFromHub(
      fleet,
      n.ip,
      `mkdir -p /etc/keepalived && echo ${Buffer.from(conf).toString('base64')} | base64 -d > /etc/keepalived/keepalived.conf.tmp && mv /etc/keepalived/keepalived.conf.tmp /etc/keepalived/keepalived.conf && ` +
        '(setsid keepalived -n -l -D -f /etc/keepalived/keepalived.conf </dev/null >/var/log/keepalived.log 2>&1 &)',
    );
  }
  return nodes;
}

/** Hosts that currently carry `vip` on eth0 (read inside each host's network namespace). */
export function vipHolders(fleet: Fleet, vip: string): string[] {
  return fleet.hosts.filter((h) => fleet.exec(h.name, 'ip -4 -o addr show dev eth0').stdout.includes(` ${vip}/`)).map((h) => h.name);
}
