// Kubelet versions against the API server's: a kubelet newer than the API server, or more than
// two minor versions behind, is unsupported (critical); any other difference is an unfinished
// upgrade (warning). A cluster check.

const minorOf = (v) => Number(/^v?\d+\.(\d+)/.exec(v ?? '')?.[1] ?? Number.NaN);

/** The check: one observation per node. */
export default {
  id: 'version-skew',
  scope: 'cluster',
  description: 'Kubelet versions against the API server version',
  tags: ['cluster', 'nodes', 'control-plane'],
  severity: 'critical',
  rule: { max: {} },
  remediation: 'Finish the upgrade: bring every kubelet to the API server version (control plane first, then nodes).',
  async run(ctx) {
    const [ver, nodes] = await Promise.all([ctx.get('/version'), ctx.get('/api/v1/nodes')]);
    if (ver.status !== 200 || nodes.status !== 200) return [{ item: 'versions', value: '', status: 'critical', message: `cannot read /version or nodes: HTTP ${ver.status}/${nodes.status}` }];
    const api = ver.body.gitVersion;
    return nodes.body.items.map((n) => {
      const kubelet = n.status?.nodeInfo?.kubeletVersion ?? '?';
      const item = `node/${n.metadata.name}`;
      if (kubelet === api || kubelet.startsWith(`${api}-`)) return { item, value: kubelet, status: 'ok', message: `kubelet ${kubelet} = apiserver` };
      const d = minorOf(api) - minorOf(kubelet);
      const bad = !(d >= 0 && d <= 2);
      return { item, value: kubelet, status: bad ? 'critical' : 'warning', message: `kubelet ${kubelet}, apiserver ${api}${bad ? ': unsupported skew' : ''}` };
    });
  },
};
