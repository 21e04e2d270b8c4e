// drover etcd replace-member HOST: single-member recovery. A member whose data is lost (or a
// new machine with the same name and address) rejoins the running cluster: with quorum among
// the others, stop etcd on HOST, move its data dir aside, `member remove` the old ID and
// `member add` it again from a healthy member, point HOST's config at the existing cluster,
// start it, and prove it: healthy, in the member list, equal hashkv.
import type { Inventory } from '../inventory/types.js';
import { ConnectionPool } from '../executor/connection-pool.js';
import { quote } from '../connections/shell-quote.js';
import { etcdctl, memberAccess, type MemberAccess } from './etcdctl.js';
import { memberVars, openMember, type MemberHost } from './member-host.js';
import { lastLine, probeHealth } from './probe.js';
import { preflightPaths, preflightScript } from './restore-preflight.js';

export interface ReplaceOptions {
  inventory: Inventory;
  target: string;
  hosts: string[];
  extraVars: Record<string, unknown>;
  dataDir: string;
  probeTimeoutS: number;
  log(line: string): void;
}

export interface ReplaceReport {
  ok: boolean;
  /** refused before anything was touched */
  refused: boolean;
  target: string;
  oldId?: string;
  newId?: string;
  movedAside?: string;
  /** what was done, in order: stopped, moved-aside, removed, added, started */
  done: string[];
  hashkv?: Record<string, number>;
  error?: string;
  durationMs: number;
}

interface M {
  name: string;
  host: MemberHost;
  access: MemberAccess;
  peerUrl: string;
  vars: Record<string, unknown>;
}

class Refused extends Error {}

const bigIds = (text: string): any => JSON.parse(text.replace(/"(ID|cluster_id|member_id|leader|raft_term|hash|hash_revision|compact_revision)":(\d+)/g, '"$1":"$2"'));

async function must(m: M, cmd: string, what: string): Promise<string> {
  const r = await m.host.exec(cmd);
  if (r.rc !== 0) throw new Error(`${what} on ${m.name} failed: ${lastLine(r.stderr || r.stdout)}`);
  return r.stdout;
}

/** Replace one member; never throws. */
export async function replaceMember(o: ReplaceOptions): Promise<ReplaceReport> {
  const t0 = Date.now();
  const log = (l: string): void => o.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${l}`);
  const report: ReplaceReport = { ok: false, refused: false, target: o.target, done: [], durationMs: 0 };
  const pool = new ConnectionPool();
  try {
    if (!o.hosts.includes(o.target)) throw new Refused(`${o.target} is not a member of the group (${o.hosts.join(', ')})`);
    const members: M[] = await Promise.all(o.hosts.map(async (name) => {
      const vars = memberVars(o.inventory, name, o.extraVars);
      const ip = String(vars.etcd_ip ?? vars.ansible_host ?? name);
      return { name, vars, host: await openMember(pool, name, vars, o.probeTimeoutS), access: memberAccess(name, vars), peerUrl: `https://${ip}:${vars.etcd_peer_port ?? 2380}` };
    }));
    const target = members.find((m) => m.name === o.target)!;
    const others = members.filter((m) => m !== target);
    log(`probing ${others.length} other members and checking ${o.target} is deployed (probe timeout ${o.probeTimeoutS} s)`);
    const [probes, pre] = await Promise.all([
      Promise.all(others.map((m) => probeHealth(m.host, m.access, o.probeTimeoutS))),
      target.host.exec(preflightScript(preflightPaths(target.name, target.vars, target.access, o.dataDir, target.peerUrl)), (o.probeTimeoutS + 3) * 1000).catch((err: Error) => ({ rc: 1, stdout: `problem: unreachable (${err.message})`, stderr: '' })),
    ]);
    const problems = pre.stdout.split('\n').filter((l) => l.startsWith('problem: ')).map((l) => l.slice(9));
    if (problems.length) throw new Refused(`${o.target} is not ready to rejoin (deploy it first: playbooks/etcd/deploy.yml): ${problems.join('; ')}`);
    const healthy = others.filter((m, i) => probes[i]!.healthy);
    const quorum = Math.floor(members.length / 2) + 1;
    if (healthy.length < quorum) throw new Refused(`only ${healthy.length} of the other members are healthy, a quorum of ${members.length} is ${quorum}: restore the cluster from a snapshot instead (drover etcd restore)`);
    const helper = healthy[0]!;
    const list = bigIds(await must(helper, etcdctl(helper.access, 'member list -w json', o.probeTimeoutS), 'member list'));
    const old = (list.members ?? []).find((x: { name?: string; peerURLs?: string[] }) => x.name === o.target || x.peerURLs?.includes(target.peerUrl));
    if (old) report.oldId = BigInt(old.ID).toString(16);
    log(`${o.target} is member ${report.oldId ?? '(not in the member list)'}; ${helper.name} acts for the cluster`);

    await must(target, 'systemctl stop etcd || true', 'stopping etcd');
    report.done.push('stopped');
    const aside = `${o.dataDir}.drover-replaced-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}`;
    if ((await must(target, `if [ -d ${quote(o.dataDir)} ]; then mv ${quote(o.dataDir)} ${quote(aside)} && echo moved; fi`, 'moving the data dir aside')).includes('moved')) {
      report.movedAside = aside;
      report.done.push('moved-aside');
      log(`${o.target}: old data kept at ${aside}`);
    }
    if (old) {
      await must(helper, etcdctl(helper.access, `member remove ${report.oldId}`, o.probeTimeoutS * 2), 'member remove');
      report.done.push('removed');
      log(`removed member ${report.oldId}`);
    }
    const added = await must(helper, etcdctl(helper.access, `member add ${quote(o.target)} --peer-urls=${quote(target.peerUrl)}`, o.probeTimeoutS * 2), 'member add');
    report.done.push('added');
    const initialCluster = /ETCD_INITIAL_CLUSTER="([^"]+)"/.exec(added)?.[1];
    if (!initialCluster) throw new Error(`member add gave no ETCD_INITIAL_CLUSTER: ${added.trim()}`);
    log(`added ${o.target} again; joining ${initialCluster}`);
    const conf = String(target.vars.etcd_config_file ?? '/etc/etcd/etcd.conf.yml');
    await must(target, `sed -i -e ${quote(`s|^initial-cluster:.*|initial-cluster: ${initialCluster}|`)} -e 's|^initial-cluster-state:.*|initial-cluster-state: existing|' ${quote(conf)} && systemctl start etcd`, 'starting etcd');
    report.done.push('started');
    log(`started etcd on ${o.target}`);

    const all = { ...helper.access, endpoint: members.map((m) => m.access.endpoint).join(',') };
    let lastErr = '';
    for (let i = 0; i < 30; i++) {
      const h = await target.host.exec(etcdctl(target.access, 'endpoint health', o.probeTimeoutS));
      const hk = h.rc === 0 ? await helper.host.exec(etcdctl(all, 'endpoint hashkv -w json', o.probeTimeoutS)) : undefined;
      if (hk?.rc === 0) {
        const hashes = bigIds(hk.stdout) as { Endpoint: string; HashKV: { hash: string } }[];
        report.hashkv = Object.fromEntries(hashes.map((x) => [x.Endpoint, Number(x.HashKV.hash)]));
        if (hashes.length === members.length && new Set(Object.values(report.hashkv)).size === 1) break;
        lastErr = `hashkv differs: ${JSON.stringify(report.hashkv)}`;
      } else lastErr = lastLine(hk?.stderr || h.stderr || h.stdout);
      report.hashkv = undefined;
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (!report.hashkv) throw new Error(`${o.target} did not catch up: ${lastErr}`);
    const after = bigIds(await must(helper, etcdctl(helper.access, 'member list -w json', o.probeTimeoutS), 'member list'));
    const mine = (after.members ?? []).find((x: { name?: string }) => x.name === o.target);
    if (mine) report.newId = BigInt(mine.ID).toString(16);
    log(`${o.target} rejoined as ${report.newId}, hashkv equal on all ${members.length} members`);
    report.ok = true;
  } catch (err) {
    report.refused = err instanceof Refused;
    report.error = (err as Error).message;
    if (report.done.length) log(`FAILED after ${report.done.join(', ')}: ${report.error}`);
  } finally {
    await pool.closeAll();
    report.durationMs = Date.now() - t0;
  }
  return report;
}
