// The API server's /healthz, asked through the inspection's kubeconfig (a cluster check).

/** The check: /healthz must answer "ok". */
export default {
  id: 'apiserver-healthz',
  scope: 'cluster',
  description: "The API server's /healthz through the kubeconfig's server",
  tags: ['cluster', 'control-plane'],
  severity: 'critical',
  rule: { equals: 'ok' },
  remediation: 'Read the kube-apiserver log on the control-plane hosts; check its etcd connection and certificates.',
  async run(ctx) {
    const r = await ctx.get('/healthz');
    const text = typeof r.body === 'string' ? r.body.trim() : JSON.stringify(r.body);
    return [{ item: 'apiserver', value: r.status === 200 ? text : `HTTP ${r.status} ${text.slice(0, 100)}` }];
  },
};
