// The closing table of `drover cluster deploy` and the whole of `drover cluster status`, like
// kubeadm's last lines but checked from outside: every apiserver's /healthz and version, who
// holds the VIP and whether it answers, the controller-manager and scheduler leaders renewing,
// every node Ready at the right version, every etcd member healthy.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Observation } from '../runbook/plan.js';
import type { ClusterConfig } from './cluster-config.js';

/** Run a read-only command on a host: rc and stdout (rc -1 when the host cannot be reached). */
export type HostExec = (host: string, cmd: string) => Promise<{ rc: number; stdout: string; stderr: string }>;

interface Tls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** GET a path of an apiserver with the admin identity; status and body, or an error message. */
function apiGet(tls: Tls, host: string, path: string, timeoutMs = 5000): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host, port: 6443, path, method: 'GET', ca: tls.ca, cert: tls.cert, key: tls.key, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end();
  });
}

const versionOk = (got: string | undefined, want: string): boolean => got === want || Boolean(got?.startsWith(`${want}-`));

/** Check a leader lock of that era: the Endpoints annotation names a holder that renewed within its lease. */
function leaderObservation(component: string, got: { status: number; body: string } | { error: string }, now: number): Observation {
  const subject = `${component} leader`;
  if ('error' in got) return { subject, what: `lock unreadable: ${got.error}`, ok: false };
  if (got.status !== 200) return { subject, what: `no lock (HTTP ${got.status})`, ok: false };
  const raw = JSON.parse(got.body)?.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader'];
  if (!raw) return { subject, what: 'no leader annotation', ok: false };
  const rec = JSON.parse(raw) as { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
  const age = (now - Date.parse(rec.renewTime ?? '')) / 1000;
  const lease = rec.leaseDurationSeconds ?? 15;
  const fresh = Number.isFinite(age) && age <= lease;
  return { subject, what: `${rec.holderIdentity ?? '?'}, renewed ${Number.isFinite(age) ? `${Math.max(0, Math.round(age))} s ago` : 'never'}${fresh ? '' : ` (lease ${lease} s: stale)`}`, ok: fresh };
}

/** Every check of the verification table, in display order. */
export async function verifyCluster(config: ClusterConfig, pkiDir: string, exec: HostExec, now = Date.now): Promise<Observation[]> {
  const tls: Tls = { ca: readFileSync(join(pkiDir, 'ca.crt')), cert: readFileSync(join(pkiDir, 'admin.crt')), key: readFileSync(join(pkiDir, 'admin.key')) };
  const out: Observation[] = [];
  const apis = await Promise.all(
    config.controlPlane.map(async (h) => {
      const [health, version] = await Promise.all([apiGet(tls, h.ip, '/healthz'), apiGet(tls, h.ip, '/version')]);
      const v = 'body' in version && version.status === 200 ? (JSON.parse(version.body).gitVersion as string) : undefined;
      const healthy = 'body' in health && health.status === 200 && health.body.trim() === 'ok';
      const what = 'error' in health ? health.error : `healthz ${healthy ? 'ok' : `HTTP ${health.status} ${health.body.trim().slice(0, 60)}`}, ${v ?? 'version unknown'}`;
      return { subject: `apiserver ${h.name}`, what, ok: healthy && versionOk(v, config.kubeVersion) };
    }),
  );
  out.push(...apis);
  // an apiserver that answers is where the cluster-wide reads go: the VIP when there is one
  const via = config.apiserverVip ?? config.controlPlane[0]!.ip;
  if (config.apiserverVip) {
    const holders = (
      await Promise.all(
        config.controlPlane.map(async (h) => {
          const r = await exec(h.name, 'ip -o -4 addr show');
          return r.rc === 0 && r.stdout.split(/\s+/).some((w) => w.split('/')[0] === config.apiserverVip) ? h.name : undefined;
        }),
      )
    ).filter((h): h is string => Boolean(h));
    const through = await apiGet(tls, config.apiserverVip, '/healthz');
    const answers = 'body' in through && through.status === 200;
    out.push({ subject: `vip ${config.apiserverVip}`, what: `held by ${holders.join(', ') || 'nobody'}, /healthz ${answers ? 'ok' : 'error' in through ? through.error : `HTTP ${through.status}`}`, ok: holders.length === 1 && answers });
  }
  for (const c of ['kube-controller-manager', 'kube-scheduler']) out.push(leaderObservation(c, await apiGet(tls, via, `/api/v1/namespaces/kube-system/endpoints/${c}`), now()));
  const nodes = await apiGet(tls, via, '/api/v1/nodes');
  const items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[]; nodeInfo?: { kubeletVersion?: string } } }[] = 'body' in nodes && nodes.status === 200 ? JSON.parse(nodes.body).items : [];
  for (const n of config.nodes) {
    const node = items.find((i) => i.metadata.name === n.name);
    const ready = node?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const v = node?.status?.nodeInfo?.kubeletVersion;
    out.push({ subject: `node ${n.name}`, what: node ? `Ready=${ready ?? 'absent'}, kubelet ${v ?? '?'}` : 'error' in nodes ? `cannot list nodes: ${nodes.error}` : 'not registered', ok: ready === 'True' && versionOk(v, config.kubeVersion) });
  }
  out.push(...(await etcdObservations(config, exec)));
  return out;
}

/** Each etcd member's health as etcdctl sees it from a member (TLS settings from /root/etcdctl.env). */
async function etcdObservations(config: ClusterConfig, exec: HostExec): Promise<Observation[]> {
  for (const m of config.etcd) {
    const r = await exec(m.name, '. /root/etcdctl.env && ETCDCTL_COMMAND_TIMEOUT=5s etcdctl endpoint health --cluster -w json');
    if (r.rc === -1) continue;
    let list: { endpoint: string; health: boolean; error?: string }[];
    try {
      list = JSON.parse(r.stdout);
    } catch {
      continue;
    }
    return config.etcd.map((e) => {
      const hit = list.find((l) => l.endpoint.includes(`//${e.ip}:`));
      return { subject: `etcd ${e.name}`, what: hit ? (hit.health ? 'healthy' : `unhealthy: ${hit.error ?? ''}`.trim()) : 'not a member', ok: Boolean(hit?.health) };
    });
  }
  return [{ subject: 'etcd', what: 'no member could be asked', ok: false }];
}

/** The verification table as text: one row per check, failures marked. */
export function renderVerification(rows: Observation[]): string {
  const w = Math.max(...rows.map((r) => (r.subject ?? '').length), 5);
  return `${rows.map((r) => `${r.ok ? '✓' : '✗'} ${(r.subject ?? '').padEnd(w)}  ${r.what}`).join('\n')}\n`;
}
