// npm run kube-world -- up [--version v1.5.8] [--subnet S] | status | down: a netns fleet sized
// for a small HA cluster (cp1..cp3 run the control plane and etcd, node1..node4 the kubelets),
// the stand-in release bundles built, and a kubespray-style inventory. For humans and runbooks.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFleet, startFleet, type Fleet } from './fleet.js';
import { kubesprayInventory } from './kube-world-inventory.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROOT = process.env.DROVER_KUBE_WORLD_ROOT ?? '/tmp/drover-kube-world';
const CONTROL_PLANE = ['cp1', 'cp2', 'cp3'];
const NODES = ['node1', 'node2', 'node3', 'node4'];
/** The upgrade target and JDOS-style patched kubelet are always built beside the chosen version. */
const UPGRADE = 'v1.6.13';

function option(argv: string[], name: string, fallback: string): string {
  const k = argv.indexOf(name);
  return k >= 0 && argv[k + 1] ? argv[k + 1]! : fallback;
}

/** Build one bundle with the kube-release CLI into DIR (temp dir then rename: never half a release). */
function buildRelease(version: string, dir: string, patched: boolean): void {
  const tmp = `${dir}.tmp`;
  execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/kube-release/cli.ts'), 'build', version, tmp, ...(patched ? ['--patched-kubelet'] : [])], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  renameSync(tmp, dir);
}

/** PSS (KiB) of every process in a host's pid namespace: what an idle host costs. */
export function hostPssKiB(fleet: Fleet, host: string): number {
  const h = fleet.hosts.find((x) => x.name === host)!;
  let kib = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readlinkSync(`/proc/${d}/ns/pid`) !== h.pidNs) continue;
      kib += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return kib;
}

/** Every host answers ssh from the hub under its own name (in parallel); the mismatches otherwise. */
function sshCheck(fleet: Fleet): string {
  const one = (ip: string, name: string): string => `(h=$(ssh -F ${fleet.sshConfigPath} -o ConnectTimeout=5 ${ip} hostname 2>&1); [ "$h" = ${name} ] || echo "${name}: $h") &`;
  const r = fleet.hubExec('sh', ['-c', `${fleet.hosts.map((h) => one(h.ip, h.name)).join('\n')}\nwait`]);
  return (r.stdout + (r.status === 0 ? '' : r.stderr)).trim();
}

async function up(argv: string[]): Promise<void> {
  const version = option(argv, '--version', 'v1.5.8');
  const subnet = Number(option(argv, '--subnet', '48'));
  const t0 = Date.now();
  const releaseRoot = join(ROOT, 'release');
  mkdirSync(releaseRoot, { recursive: true });
  const releases: Record<string, string> = {};
  // kube_release_dir layout: one directory per version (release/v1.5.8/kubelet ...); the patched
  // 1.6 kubelet's release sits in a root of its own, so kube_version stays the plain version
  for (const [v, patched] of [[version, false], [UPGRADE, false], [UPGRADE, true]] as const) {
    const key = patched ? `${v}-patched` : v;
    if (releases[key]) continue;
    releases[key] = patched ? join(ROOT, 'release-patched', v) : join(releaseRoot, v);
    if (!existsSync(releases[key])) buildRelease(v, releases[key], patched);
  }
  const tBuilt = Date.now();
  const fleet = await startFleet({ hosts: CONTROL_PLANE.length + NODES.length, root: ROOT, name: 'kube-world', network: 'netns', subnet, hostNames: [...CONTROL_PLANE, ...NODES] });
  const tUp = Date.now();
  const bad = sshCheck(fleet);
  if (bad) {
    await fleet.stop();
    throw new Error(`ssh check failed: ${bad}`);
  }
  const tSsh = Date.now();
  const inventory = join(ROOT, 'kubespray-inventory.ini');
  const text = kubesprayInventory(fleet, { controlPlane: CONTROL_PLANE, nodes: NODES, vip: `10.${100 + subnet}.0.250`, vipPrefix: 16, kubeVersion: version, releases });
  writeFileSync(`${inventory}.tmp`, text);
  renameSync(`${inventory}.tmp`, inventory);
  const hub = `nsenter --net=${fleet.hubNetnsPath}`;
  console.log(text);
  console.log(`kube world up: ${fleet.hosts.length} hosts in ${((tUp - tBuilt) / 1000).toFixed(2)} s, all answering ssh after ${((tSsh - tBuilt) / 1000).toFixed(2)} s (releases built in ${((tBuilt - t0) / 1000).toFixed(2)} s; ${Object.keys(releases).join(', ')} in ${releaseRoot})`);
  console.log(`inventory: ${inventory}`);
  console.log(`the hosts are reachable only from the hub network; enter it with:\n  ${hub} bash`);
  console.log(`  ${hub} ssh -F ${fleet.sshConfigPath} ${fleet.hosts[0]!.ip} hostname`);
  console.log(`  ${hub} node bin/run.js run k8s_cluster -i ${inventory} -a hostname`);
  console.log('stop: npm run kube-world -- down');
}

async function main(argv: string[]): Promise<number> {
  const [cmd] = argv;
  if (cmd === 'up') {
    await up(argv.slice(1));
  } else if (cmd === 'down') {
    const t0 = Date.now();
    const fleet = makeFleet(ROOT);
    const n = fleet.hosts.length;
    await fleet.stop(); // throws on any process, mount or namespace left; removes ROOT
    console.log(`kube world down: ${n} hosts stopped in ${((Date.now() - t0) / 1000).toFixed(2)} s, nothing left`);
  } else if (cmd === 'status') {
    const fleet = makeFleet(ROOT);
    if (!fleet.hosts.length) console.log('no kube world running');
    for (const h of fleet.hosts) console.log(`${h.name}\t${h.ip}\tinit pid ${h.initPid}\t${(hostPssKiB(fleet, h.name) / 1024).toFixed(1)} MiB PSS`);
    if (fleet.hubNetnsPath) console.log(`hub: nsenter --net=${fleet.hubNetnsPath} bash`);
  } else {
    console.error('usage: npm run kube-world -- up [--version v1.5.8] [--subnet S] | status | down');
    return 2;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`kube-world: ${e.message}`);
    process.exit(1);
  },
);
