// Pods crash-looping or restarting more often than the thresholds (restart count summed over
// containers). A cluster check; pods that never restarted are counted, not listed.

/** The check: one observation per restarting pod (or one for all when none restarts). */
export default {
  id: 'pods-restarting',
  scope: 'cluster',
  description: 'Pods crash-looping or restarting too often',
  tags: ['cluster', 'workloads'],
  severity: 'critical',
  rule: { max: { warning: 5, critical: 20 } },
  remediation: 'kubectl -n NS logs POD --previous; kubectl -n NS describe pod POD.',
  async run(ctx) {
    const r = await ctx.get('/api/v1/pods');
    if (r.status !== 200) return [{ item: 'pods', value: '', status: 'critical', message: `cannot list pods: HTTP ${r.status}` }];
    const out = [];
    for (const p of r.body.items) {
      const cs = p.status?.containerStatuses ?? [];
      const restarts = cs.reduce((a, c) => a + (c.restartCount ?? 0), 0);
      const looping = cs.find((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
      const item = `pod/${p.metadata.namespace}/${p.metadata.name}`;
      if (looping) out.push({ item, value: String(restarts), status: 'critical', message: `container ${looping.name} in CrashLoopBackOff after ${restarts} restarts` });
      else if (restarts > 0) out.push({ item, value: String(restarts) });
    }
    return out.length ? out : [{ item: `${r.body.items.length} pods`, value: '0' }];
  },
};
