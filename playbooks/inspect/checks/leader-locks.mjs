// The controller-manager and scheduler leader locks: held and renewed within their lease
// (Endpoints annotation of 1.5-1.13 clusters, else a coordination Lease). A cluster check.

/** A lock as {holder, renewed (ms), lease (s)} from either form, or undefined. */
async function readLock(ctx, name) {
  const ep = await ctx.get(`/api/v1/namespaces/kube-system/endpoints/${name}`);
  const raw = ep.status === 200 ? ep.body?.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader'] : undefined;
  if (raw) {
    const rec = JSON.parse(raw);
    return { holder: rec.holderIdentity, renewed: Date.parse(rec.renewTime), lease: rec.leaseDurationSeconds ?? 15 };
  }
  const lease = await ctx.get(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}`);
  if (lease.status !== 200) return undefined;
  return { holder: lease.body.spec?.holderIdentity, renewed: Date.parse(lease.body.spec?.renewTime), lease: lease.body.spec?.leaseDurationSeconds ?? 15 };
}

/** The check: one observation per component, failing when the lock is missing or stale. */
export default {
  id: 'leader-locks',
  scope: 'cluster',
  description: 'Controller-manager and scheduler leader locks renewed within their lease',
  tags: ['cluster', 'control-plane'],
  severity: 'critical',
  params: { components: 'kube-controller-manager kube-scheduler' },
  rule: { max: {} },
  remediation: 'No leader renews the lock: check that the component runs on a control-plane host and reaches the API server.',
  async run(ctx) {
    const out = [];
    for (const name of ctx.params.components.split(/\s+/).filter(Boolean)) {
      const lock = await readLock(ctx, name);
      if (!lock) {
        out.push({ item: name, value: '', status: 'critical', message: 'no leader lock' });
        continue;
      }
      const age = (ctx.now - lock.renewed) / 1000;
      const fresh = Number.isFinite(age) && age <= lock.lease;
      out.push({ item: name, value: Number.isFinite(age) ? age.toFixed(0) : '', status: fresh ? 'ok' : 'critical', message: `held by ${lock.holder ?? '?'}, renewed ${Number.isFinite(age) ? `${Math.round(age)} s ago` : 'never'} (lease ${lock.lease} s)${fresh ? '' : ': stale'}` });
    }
    return out;
  },
};
