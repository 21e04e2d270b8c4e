// drover etcd status: one row per member, asked of each member itself so a sick member shows
// as unhealthy instead of hiding the table.
import type { Inventory } from '../inventory/types.js';
import { ConnectionPool, transportFor } from '../executor/connection-pool.js';
import { etcdctl, memberAccess } from './etcdctl.js';

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

/** Status rows for the members of a group. */
export async function clusterStatus(inventory: Inventory, group: string): Promise<MemberRow[]> {
  const pool = new ConnectionPool();
  try {
    return await Promise.all(
      inventory.select(group).map(async (host): Promise<MemberRow> => {
        const vars = inventory.hostVars(host);
        const access = memberAccess(host, vars);
        const row: MemberRow = { host, endpoint: access.endpoint, healthy: false };
        try {
          const conn = await pool.get(host, transportFor(vars), vars);
          await conn.connect();
          const health = await conn.exec(etcdctl(access, 'endpoint health'));
          row.healthy = health.rc === 0;
          if (!row.healthy) row.error = (health.stderr || health.stdout).trim().split('\n').pop();
          const st = await conn.exec(etcdctl(access, 'endpoint status -w json'));
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
