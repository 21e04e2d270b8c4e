// drover etcd status: one row per member, asked of each member itself and all at once, each
// probe bounded by the probe timeout, so a dead or frozen member shows as unhealthy within
// seconds instead of hiding the table.
import type { Inventory } from '../inventory/types.js';
import { ConnectionPool } from '../executor/connection-pool.js';
import { memberAccess } from './etcdctl.js';
import { memberBecome, memberVars, openMember } from './member-host.js';
import { lastLine, probeExec } from './probe.js';

export interface MemberRow {
  host: string;
  id?: string;
  endpoint: string;
  leader?: boolean;
  revision?: number;
  dbSize?: number;
  healthy: boolean;
  error?: string;
}

/** What status needs: the hosts (group narrowed by -l), -e values and the probe timeout. */
export interface StatusOptions {
  hosts: string[];
  extraVars: Record<string, unknown>;
  probeTimeoutS: number;
}

/** Status rows for the given members, probed in parallel. */
export async function clusterStatus(inventory: Inventory, o: StatusOptions): Promise<MemberRow[]> {
  // a login that cannot work is refused before any probe (AccessRefused)
  for (const host of o.hosts) memberBecome(host, memberVars(inventory, host, o.extraVars));
  const pool = new ConnectionPool();
  try {
    return await Promise.all(
      o.hosts.map(async (host): Promise<MemberRow> => {
        const vars = memberVars(inventory, host, o.extraVars);
        const access = memberAccess(host, vars);
        const row: MemberRow = { host, endpoint: access.endpoint, healthy: false };
        try {
          const m = await openMember(pool, host, vars, o.probeTimeoutS);
          // health and status at once: a frozen member costs one timeout, not two
          const [health, st] = await Promise.all([probeExec(m, access, 'endpoint health', o.probeTimeoutS), probeExec(m, access, 'endpoint status -w json', o.probeTimeoutS)]);
          row.healthy = health.rc === 0;
          if (!row.healthy) row.error = health.timedOut ? `no answer within ${o.probeTimeoutS} s` : lastLine(health.stderr || health.stdout);
          if (st.rc === 0) {
            const s = JSON.parse(st.stdout.replace(/"(member_id|leader|cluster_id)":(\d+)/g, '"$1":"$2"'))[0].Status;
            row.id = BigInt(s.header.member_id).toString(16);
            row.leader = s.leader === s.header.member_id;
            row.revision = Number(s.header.revision);
            row.dbSize = Number(s.dbSize);
          }
        } catch (err) {
          row.error = (err as Error).message;
        }
        return row;
      }),
    );
  } finally {
    await pool.closeAll();
  }
}
