// Each etcd member, asked on its own host with etcdctl: healthy, a leader known, DB size against
// the quota, no alarms, member count. Reaches the member with the same vars as the `drover etcd`
// commands (etcd_pki_dir, etcd_ip, etcd_client_port, etcd_cacert/cert/key, etcd_endpoint).

const q = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;

/** etcdctl against this member only, TLS flags explicit. */
function etcdctl(vars, args) {
  const pki = String(vars.etcd_pki_dir ?? '/etc/etcd/pki');
  const ip = String(vars.etcd_ip ?? vars.ansible_host ?? vars.inventory_hostname);
  const endpoint = String(vars.etcd_endpoint ?? `https://${ip}:${vars.etcd_client_port ?? 2379}`);
  return `ETCDCTL_API=3 etcdctl --endpoints=${q(endpoint)} --cacert=${q(vars.etcd_cacert ?? `${pki}/ca.crt`)} --cert=${q(vars.etcd_cert ?? `${pki}/client.crt`)} --key=${q(vars.etcd_key ?? `${pki}/client.key`)} --dial-timeout=5s --command-timeout=10s ${args}`;
}

/** The check: items health, leader, db-size (percent of quota, judged by rule.max), alarms, members. */
export default {
  id: 'etcd-member',
  description: 'etcd member health, leader, DB size against quota (percent), alarms, member count',
  tags: ['etcd', 'cluster'],
  hosts: 'etcd',
  severity: 'critical',
  params: { quota_bytes: '2147483648', expected_members: '' },
  rule: { max: { warning: 80, critical: 95 } },
  remediation: 'systemctl status etcd and its log on the member; for a full DB: compact, defrag, then etcdctl alarm disarm.',
  async run(ctx) {
    const vars = { inventory_hostname: ctx.host, ...ctx.vars };
    const st = await ctx.exec(etcdctl(vars, 'endpoint status -w json'));
    if (st.rc !== 0) return [{ item: 'health', value: 'down', status: 'critical', message: `member does not answer: ${(st.stderr || st.stdout).trim().split('\n').pop()}` }];
    const status = JSON.parse(st.stdout)[0]?.Status ?? {};
    const out = [{ item: 'health', value: 'up', status: 'ok', message: `revision ${status.header?.revision ?? '?'}` }];
    const leader = String(status.leader ?? 0);
    out.push({ item: 'leader', value: leader === '0' ? 'none' : 'known', status: leader === '0' ? 'critical' : 'ok', message: leader === '0' ? 'no leader' : `leader ${BigInt(leader).toString(16)}` });
    out.push({ item: 'db-size', value: ((Number(status.dbSize ?? 0) * 100) / Number(ctx.params.quota_bytes)).toFixed(2) });
    const alarms = await ctx.exec(etcdctl(vars, 'alarm list'));
    const raised = alarms.stdout.trim();
    out.push({ item: 'alarms', value: String(raised ? raised.split('\n').length : 0), status: alarms.rc !== 0 || raised ? 'critical' : 'ok', message: alarms.rc !== 0 ? `alarm list failed: ${alarms.stderr.trim()}` : raised || 'none' });
    const members = await ctx.exec(etcdctl(vars, 'member list -w json'));
    const list = members.rc === 0 ? JSON.parse(members.stdout).members ?? [] : [];
    const unstarted = list.filter((m) => !m.name).length;
    const want = ctx.params.expected_members ? Number(ctx.params.expected_members) : undefined;
    const bad = members.rc !== 0 || unstarted > 0 || (want !== undefined && list.length !== want);
    out.push({ item: 'members', value: String(list.length), status: bad ? 'critical' : list.length % 2 === 0 ? 'warning' : 'ok', message: members.rc !== 0 ? `member list failed: ${members.stderr.trim()}` : `${list.length} members${unstarted ? `, ${unstarted} unstarted` : ''}${want !== undefined && list.length !== want ? `, expected ${want}` : ''}${list.length % 2 === 0 ? ' (even: no extra fault tolerance)' : ''}` });
    return out;
  },
};
