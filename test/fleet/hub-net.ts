// The hub of a netns fleet: a private network namespace, held open by one sleeping process,
// with a bridge that every host's veth joins. Nothing here touches the machine's own network:
// the bridge, the veths and the 10.x addresses exist only inside namespaces the fleet made.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Hub {
  /** pid of the process holding the namespace (in the machine's pid namespace) */
  pid: number;
  /** its network namespace id, e.g. net:[4026532...], checked before every signal */
  netNs: string;
  netnsPath: string;
  bridge: string;
}

const BRIDGE = 'br0';

/** Host i's address in netns mode: 10.(100+S).0.(10+i), past 200 into 10.(100+S).1.x. */
export function netnsIpOf(i: number, subnet: number): string {
  return `10.${100 + subnet}.${Math.floor(i / 200)}.${10 + (i % 200)}`;
}

/** The hub's own address on the bridge: where the controller's connections come from. */
export function hubAddress(subnet: number): string {
  return `10.${100 + subnet}.255.254`;
}

function hubNetOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/** Create the hub namespace and its bridge; records it in run/hub so another process can stop it. */
export async function startHub(run: string, subnet: number): Promise<Hub> {
  // detached = its own session; unshare execs sleep in place, so this pid is the holder
  const child = spawn('unshare', ['--net', '--', 'sleep', 'infinity'], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid!;
  const machineNet = readlinkSync('/proc/self/ns/net');
  const deadline = Date.now() + 10_000;
  let netNs = hubNetOf(pid);
  while (!netNs || netNs === machineNet) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the hub network namespace did not come up');
    }
    await sleep(10);
    netNs = hubNetOf(pid);
  }
  const hub: Hub = { pid, netNs, netnsPath: `/proc/${pid}/ns/net`, bridge: BRIDGE };
  writeFileSync(join(run, 'hub.tmp'), `${pid} ${netNs}\n`);
  renameSync(join(run, 'hub.tmp'), join(run, 'hub'));
  const script = `ip link set lo up && ip link add name ${BRIDGE} type bridge && ip addr add ${hubAddress(subnet)}/16 dev ${BRIDGE} && ip link set ${BRIDGE} up`;
  try {
    execFileSync('nsenter', [`--net=${hub.netnsPath}`, '--', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    await stopHub(hub); // never leave an orphaned holder behind
    throw e;
  }
  return hub;
}

/** The hub recorded under run/, if its holder is still the same process. */
export function readHub(run: string): Hub | undefined {
  const f = join(run, 'hub');
  if (!existsSync(f)) return undefined;
  const [pid, netNs] = readFileSync(f, 'utf8').trim().split(' ');
  return { pid: Number(pid), netNs: netNs!, netnsPath: `/proc/${pid}/ns/net`, bridge: BRIDGE };
}

/**
 * End what still runs in the hub's network (programs tests or humans started there with
 * nsenter), then its holder; the namespace, its bridge and the hosts' veth ends go with it.
 */
export async function stopHub(hub: Hub): Promise<void> {
  const inHub = (): number[] => {
    const out: number[] = [];
    for (const d of readdirSafe()) if (hubNetOf(d) === hub.netNs) out.push(d);
    return out;
  };
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    for (const p of inHub()) {
      try {
        process.kill(p, sig);
      } catch {
        /* gone */
      }
    }
    const end = Date.now() + 3000;
    while (inHub().length && Date.now() < end) await sleep(25);
    if (!inHub().length) return;
  }
}

function readdirSafe(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}
