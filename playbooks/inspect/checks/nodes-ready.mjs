// Every node Ready, without memory/disk/PID pressure; how long a NotReady node has been so.
// A cluster check.

const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'OutOfDisk', 'NetworkUnavailable'];

/** The check: one observation per node. */
export default {
  id: 'nodes-ready',
  scope: 'cluster',
  description: 'Nodes Ready and without pressure conditions',
  tags: ['cluster', 'nodes'],
  severity: 'critical',
  rule: { max: {} },
  remediation: 'On the node: systemctl status kubelet docker, the kubelet log, free disk and memory.',
  async run(ctx) {
    const r = await ctx.get('/api/v1/nodes');
    if (r.status !== 200) return [{ item: 'nodes', value: '', status: 'critical', message: `cannot list nodes: HTTP ${r.status}` }];
    return r.body.items.map((n) => {
      const conds = n.status?.conditions ?? [];
      const ready = conds.find((c) => c.type === 'Ready');
      const item = `node/${n.metadata.name}`;
      if (ready?.status !== 'True') {
        const since = Date.parse(ready?.lastTransitionTime ?? '');
        const secs = Number.isFinite(since) ? Math.round((ctx.now - since) / 1000) : undefined;
        return { item, value: 'NotReady', status: 'critical', message: `Ready=${ready?.status ?? 'absent'}${ready?.reason ? ` (${ready.reason})` : ''}${secs !== undefined ? ` for ${secs} s` : ''}` };
      }
      const pressed = conds.filter((c) => PRESSURE.includes(c.type) && c.status === 'True').map((c) => c.type);
      if (pressed.length) return { item, value: pressed.join(','), status: 'warning', message: `Ready, but ${pressed.join(', ')}` };
      return { item, value: 'Ready', status: 'ok', message: 'Ready' };
    });
  },
};
