// Pods Pending for longer than the thresholds (seconds since creation). A cluster check.

/** The check: one observation per Pending pod (or one for all when none is). */
export default {
  id: 'pods-pending',
  scope: 'cluster',
  description: 'Pods Pending too long (seconds)',
  tags: ['cluster', 'workloads'],
  severity: 'warning',
  rule: { max: { warning: 300, critical: 1800 } },
  remediation: 'kubectl -n NS describe pod POD: unschedulable (resources, taints, selectors) or images that do not pull.',
  async run(ctx) {
    const r = await ctx.get('/api/v1/pods');
    if (r.status !== 200) return [{ item: 'pods', value: '', status: 'critical', message: `cannot list pods: HTTP ${r.status}` }];
    const pending = r.body.items.filter((p) => (p.status?.phase ?? 'Pending') === 'Pending' && !p.metadata.deletionTimestamp);
    if (!pending.length) return [{ item: `${r.body.items.length} pods`, value: '0' }];
    return pending.map((p) => ({ item: `pod/${p.metadata.namespace}/${p.metadata.name}`, value: String(Math.max(0, Math.round((ctx.now - Date.parse(p.metadata.creationTimestamp)) / 1000))) }));
  },
};
