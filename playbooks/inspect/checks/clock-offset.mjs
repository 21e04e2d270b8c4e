// Clock offset of a host against the controller, in seconds: the host's clock read between two
// controller timestamps, compared with their midpoint (error at most half the round trip).
// A module check: same contract as the YAML checks (see src/inspect/check-contract.ts).

/** The check: |host clock - controller clock| in seconds, judged by rule.max. */
export default {
  id: 'clock-offset',
  description: 'Clock offset against the controller (seconds)',
  tags: ['hosts', 'clock'],
  severity: 'critical',
  rule: { max: { warning: 0.5, critical: 2 } },
  remediation: 'Check the host\'s time sync (chronyc tracking / timedatectl); a skewed clock breaks TLS and etcd leases.',
  async run(ctx) {
    const before = Date.now();
    const r = await ctx.exec('date +%s.%N');
    const after = Date.now();
    const remote = Number(r.stdout.trim()) * 1000;
    if (r.rc !== 0 || Number.isNaN(remote)) return [{ value: '', status: 'critical', message: `could not read the clock: ${(r.stderr || r.stdout).trim()}` }];
    return [{ value: (Math.abs(remote - (before + after) / 2) / 1000).toFixed(3) }];
  },
};
