// keepalived.conf for an API VIP the way kubespray-era HA setups wrote it (fact sheet §5):
// every node starts BACKUP, the highest priority wins, a local health check lowers a failing
// holder's priority below the next node's, and peers talk unicast VRRP.
export interface VrrpNode {
  name: string;
  ip: string;
  priority: number;
}

/** One host's config: `self` among `nodes`, VIP on `iface`, health checked by `checkScript`. */
export function keepalivedConf(o: { self: VrrpNode; nodes: VrrpNode[]; vip: string; prefix: number; iface?: string; routerId?: number; checkScript: string; weight?: number; preempt?: boolean }): string {
  const iface = o.iface ?? 'eth0';
  const peers = o.nodes.filter((n) => n.ip !== o.self.ip).map((n) => `    ${n.ip}`);
  return [
    'global_defs {',
    `  router_id ${o.self.name}`,
    '  enable_script_security',
    '  script_user root',
    '}',
    'vrrp_script chk_api {',
    `  script "${o.checkScript}"`,
    '  interval 2',
    '  timeout 2',
    '  fall 2',
    '  rise 2',
    `  weight ${o.weight ?? -60}`,
    '}',
    'vrrp_instance K8S {',
    '  state BACKUP',
    `  interface ${iface}`,
    `  virtual_router_id ${o.routerId ?? 51}`,
    `  priority ${o.self.priority}`,
    '  advert_int 1',
    ...(o.preempt === false ? ['  nopreempt'] : []),
    `  unicast_src_ip ${o.self.ip}`,
    '  unicast_peer {',
    ...peers,
    '  }',
    '  virtual_ipaddress {',
    `    ${o.vip}/${o.prefix} dev ${iface}`,
    '  }',
    '  track_script {',
    '    chk_api',
    '  }',
    '}',
    '',
  ].join('\n');
}
