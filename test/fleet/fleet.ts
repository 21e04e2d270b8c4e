// A fleet of real sshd hosts on this machine: each host is its own mount/pid/uts namespace
// with an overlay root over / (upper layer on a private tmpfs), its own hostname and an sshd
// on 127.0.0.(10+i). Tests and benchmarks start and stop it; state lives in files under the
// root so `npm run fleet -- down` can stop a fleet another process started.
// Own-network mode (`network: 'netns'`): each host also gets its own network namespace whose
// eth0 is a veth to a bridge inside a private hub namespace (see hub-net.ts).
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions, type SpawnSyncOptions, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { netnsIpOf, readHub, startHub, stopHub, type Hub } from './hub-net.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CACHE = process.env.DROVER_FLEET_CACHE ?? '/var/cache/drover-fleet';

export interface FleetHost {
  name: string;
  ip: string;
  index: number;
  initPid: number;
  pidNs: string;
  mntNs: string;
  /** Network namespace id (netns mode; in loopback mode the machine's). */
  netNs: string;
}

/** Loopback: hosts share the machine's network (sshd on 127.S.0.x). netns: own network per host. */
export type FleetNetwork = 'loopback' | 'netns';

export interface Fleet {
  root: string;
  hosts: FleetHost[];
  keyPath: string;
  knownHostsPath: string;
  inventoryIni: string;
  inventoryYaml: string;
  sshConfigPath: string;
  network: FleetNetwork;
  /** netns mode: path of the hub's network namespace (for `nsenter --net=PATH`); '' otherwise. */
  hubNetnsPath: string;
  /** Run a program in the hub's network (where the hosts' 10.x addresses are reachable); plain spawnSync in loopback mode. */
  hubExec(cmd: string, args: string[], opts?: SpawnSyncOptions): SpawnSyncReturns<string>;
  /** Start a long-running program in the hub's network; the caller stops it (stop() ends leftovers in the hub). */
  hubSpawn(cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** Run a command inside a host's namespaces from the controller (not over ssh). */
  exec(host: string, cmd: string): { rc: number; stdout: string; stderr: string };
  /** Kill a host's sshd (its listener and sessions): the host becomes unreachable. */
  killSshd(host: string): void;
  /** Stop every host, check that no process or mount is left; throws on a leak. */
  stop(): Promise<void>;
}

/** Host i's address: 127.S.0.11, 127.S.0.12, ...; past 200 into 127.S.1.x (S: the fleet's subnet). */
export function ipOf(i: number, subnet = 0, network: FleetNetwork = 'loopback'): string {
  if (network === 'netns') return netnsIpOf(i, subnet);
  return `127.${subnet}.${Math.floor(i / 200)}.${10 + (i % 200)}`;
}

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
}

function alive(pid: number, ns: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readlinkSync(`/proc/${pid}/ns/pid`) === ns;
  } catch {
    return false;
  }
}

/** Processes (global pids) whose pid (or `kind`) namespace is one of `nss`. */
export function processesIn(nss: Set<string>, kind: 'pid' | 'net' = 'pid'): { pid: number; comm: string; ns: string }[] {
  const out: { pid: number; comm: string; ns: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ns = readlinkSync(`/proc/${d}/ns/${kind}`);
      if (nss.has(ns)) out.push({ pid: Number(d), comm: readFileSync(`/proc/${d}/comm`, 'utf8').trim(), ns });
    } catch {
      /* gone */
    }
  }
  return out;
}

function buildTemplate(root: string, keyPath: string): void {
  const t = join(root, 'template');
  rmSync(t, { recursive: true, force: true });
  for (const d of ['etc/ssh', 'etc/sudoers.d', 'usr/bin', 'root/.ssh', 'home/deploy/.ssh', 'home/ops/.ssh']) mkdirSync(join(t, d), { recursive: true });
  chmodSync(join(t, 'etc'), 0o755);
  // /root is opaque: the machine's own dotfiles (pyenv init in .bashrc) must not leak in
  execFileSync('/usr/bin/python3', ['-c', 'import os,sys; os.setxattr(sys.argv[1], "trusted.overlay.opaque", b"y")', join(t, 'root')]);
  chmodSync(join(t, 'root'), 0o700);
  for (const f of ['.bashrc', '.profile']) if (existsSync(`/etc/skel/${f}`)) copyFileSync(`/etc/skel/${f}`, join(t, 'root', f));
  const pub = readFileSync(`${keyPath}.pub`, 'utf8');
  for (const home of ['root', 'home/deploy', 'home/ops']) {
    chmodSync(join(t, home, '.ssh'), 0o700);
    writeFileSync(join(t, home, '.ssh', 'authorized_keys'), pub, { mode: 0o600 });
  }
  copyFileSync(join(CACHE, 'systemctl', 'usr', 'bin', 'systemctl'), join(t, 'usr/bin/systemctl'));
  chmodSync(join(t, 'usr/bin/systemctl'), 0o755);
  // two extra users in the upper layer only: deploy (sudo without password), ops (password ops-pass)
  const hash = sh('openssl', ['passwd', '-6', 'ops-pass']).trim();
  writeFileSync(join(t, 'etc/passwd'), `${readFileSync('/etc/passwd', 'utf8').trimEnd()}\ndeploy:x:2001:2001::/home/deploy:/bin/sh\nops:x:2002:2002::/home/ops:/bin/sh\n`);
  writeFileSync(join(t, 'etc/group'), `${readFileSync('/etc/group', 'utf8').trimEnd()}\ndeploy:x:2001:\nops:x:2002:\n`);
  writeFileSync(join(t, 'etc/shadow'), `${readFileSync('/etc/shadow', 'utf8').trimEnd()}\ndeploy:*:19000:0:99999:7:::\nops:${hash}:19000:0:99999:7:::\n`, { mode: 0o640 });
  writeFileSync(join(t, 'etc/sudoers.d/fleet'), 'deploy ALL=(ALL) NOPASSWD:ALL\nops ALL=(ALL) ALL\n', { mode: 0o440 });
  execFileSync('chown', ['-R', '2001:2001', join(t, 'home/deploy')]);
  execFileSync('chown', ['-R', '2002:2002', join(t, 'home/ops')]);
  execFileSync('chown', ['root:shadow', join(t, 'etc/shadow')]);
  writeFileSync(
    join(t, 'etc/ssh/sshd_config'),
    [
      'ListenAddress @LISTEN@',
      'Port 22',
      'HostKey /etc/ssh/ssh_host_ed25519_key',
      'PidFile /run/sshd.pid',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'AuthorizedKeysFile .ssh/authorized_keys',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'UseDNS no',
      'PrintMotd no',
      'PrintLastLog no',
      'X11Forwarding no',
      'AllowTcpForwarding yes',
      'MaxStartups 200:30:400',
      'MaxSessions 200',
      'AcceptEnv LANG LC_*',
      process.env.DROVER_FLEET_NO_SFTP ? '' : 'Subsystem sftp /usr/lib/openssh/sftp-server',
      '',
    ].join('\n'),
  );
}

/** Start `hosts` simulated hosts. */
export async function startFleet(options: {
  hosts: number;
  root?: string;
  name?: string;
  /** second octet, so two fleets can run at once (netns mode: 10.(100+S).0.x) */
  subnet?: number;
  network?: FleetNetwork;
  /** hostnames in order (default host1..hostN); files and `exec` use these names */
  hostNames?: string[];
}): Promise<Fleet> {
  const subnet = options.subnet ?? 0;
  const network = options.network ?? 'loopback';
  const n = options.hosts;
  if (options.hostNames && options.hostNames.length !== n) throw new Error('hostNames must name every host');
  if (network === 'netns' && (subnet < 0 || subnet > 155)) throw new Error('netns subnet must be 0..155 (10.(100+S).0.0/16)');
  if (process.getuid?.() !== 0) throw new Error('the fleet needs root (namespaces, mounts)');
  const root = options.root ?? join('/tmp', `drover-fleet-${options.name ?? 'test'}-${process.pid}`);
  const run = join(root, 'run');
  if (existsSync(run) && readdirSync(run).some((f) => f.endsWith('.init'))) throw new Error(`a fleet is already running in ${root}; stop it first`);
  execFileSync('sh', [join(HERE, 'ensure-deps.sh'), CACHE], { stdio: 'inherit' });
  for (const d of [run, join(root, 'mnt'), join(root, 'keys')]) mkdirSync(d, { recursive: true });
  const keyPath = join(root, 'keys', 'id_ed25519');
  if (!existsSync(keyPath)) sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fleet-admin', '-f', keyPath]);
  buildTemplate(root, keyPath);
  const names = Array.from({ length: n }, (_, k) => k + 1);
  const nameOf = (i: number): string => options.hostNames?.[i - 1] ?? `host${i}`;
  writeFileSync(join(run, 'hosts'), `127.0.0.1 localhost\n${names.map((i) => `${ipOf(i, subnet, network)} ${nameOf(i)}`).join('\n')}\n`);
  writeFileSync(join(run, 'subnet'), String(subnet));
  writeFileSync(join(run, 'network'), network);
  if (options.hostNames) writeFileSync(join(run, 'names'), `${options.hostNames.join('\n')}\n`);
  let hub: Hub | undefined;
  if (network === 'netns') hub = await startHub(run, subnet);

  const upids: number[] = [];
  for (const i of names) {
    const unshare = ['unshare', '--mount', '--pid', '--uts', ...(hub ? ['--net'] : []), '--fork', '--kill-child', '--propagation', 'private'];
    const env = { ...process.env, FLEET_HOSTNAME: nameOf(i), ...(hub ? { FLEET_HUB_NET: hub.netnsPath, FLEET_HUB_BRIDGE: hub.bridge, FLEET_VETH: `v${subnet}h${i}` } : {}) };
    const child = spawn('setsid', [...unshare, 'sh', join(HERE, 'host-init.sh'), String(i), ipOf(i, subnet, network), root], {
      detached: true,
      env,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.unref();
    upids.push(child.pid!);
    writeFileSync(join(run, `host${i}.upid`), String(child.pid));
  }
  const fleet = makeFleet(root, keyPath);
  const deadline = Date.now() + 60_000 + n * 500;
  for (const i of names) {
    for (;;) {
      const f = join(run, `host${i}.init`);
      if (existsSync(f)) {
        const [pid] = readFileSync(f, 'utf8').split(' ');
        if (existsSync(`/proc/${pid}/root/run/sshd.pid`)) break;
      }
      if (Date.now() > deadline) {
        await fleet.stop().catch(() => undefined);
        throw new Error(`host${i} did not start sshd in time`);
      }
      await sleep(20);
    }
  }
  fleet.hosts.splice(0, fleet.hosts.length, ...readHosts(root));
  // the hosts' real keys, so host key checking stays on in tests
  const known = fleet.hosts.map((h) => `${h.ip} ${readFileSync(`/proc/${h.initPid}/root/etc/ssh/ssh_host_ed25519_key.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}`);
  writeFileSync(fleet.knownHostsPath, `${known.join('\n')}\n`);
  writeInventories(fleet);
  return fleet;
}

function readNetwork(run: string): FleetNetwork {
  return existsSync(join(run, 'network')) ? (readFileSync(join(run, 'network'), 'utf8').trim() as FleetNetwork) : 'loopback';
}

function readHosts(root: string): FleetHost[] {
  const run = join(root, 'run');
  const subnet = existsSync(join(run, 'subnet')) ? Number(readFileSync(join(run, 'subnet'), 'utf8')) : 0;
  const network = readNetwork(run);
  const names = existsSync(join(run, 'names')) ? readFileSync(join(run, 'names'), 'utf8').trim().split('\n') : [];
  const machineNet = readlinkSync('/proc/self/ns/net');
  return readdirSync(run)
    .filter((f) => /^host\d+\.init$/.test(f))
    .map((f) => {
      const index = Number(/\d+/.exec(f)![0]);
      const [pid, pidNs, mntNs] = readFileSync(join(run, f), 'utf8').trim().split(' ');
      const netFile = join(run, `host${index}.net`);
      const netNs = existsSync(netFile) ? readFileSync(netFile, 'utf8').trim() : machineNet;
      return { name: names[index - 1] ?? `host${index}`, ip: ipOf(index, subnet, network), index, initPid: Number(pid), pidNs: pidNs!, mntNs: mntNs!, netNs };
    })
    .sort((a, b) => a.index - b.index);
}

function writeInventories(f: Fleet): void {
  const common = `-o UserKnownHostsFile=${f.knownHostsPath} -o StrictHostKeyChecking=yes`;
  writeFileSync(
    f.inventoryIni,
    `[fleet]\n${f.hosts.map((h) => `${h.name} ansible_host=${h.ip}`).join('\n')}\n\n[fleet:vars]\nansible_user=root\nansible_ssh_private_key_file=${f.keyPath}\nansible_ssh_common_args='${common}'\nansible_python_interpreter=/usr/bin/python3\ndrover_ssh_known_hosts=${f.knownHostsPath}\n`,
  );
  writeFileSync(
    f.inventoryYaml,
    `all:\n  children:\n    fleet:\n      hosts:\n${f.hosts.map((h) => `        ${h.name}: {ansible_host: ${h.ip}}`).join('\n')}\n      vars:\n        ansible_user: root\n        ansible_ssh_private_key_file: ${f.keyPath}\n        drover_ssh_known_hosts: ${f.knownHostsPath}\n        ansible_ssh_common_args: '${common}'\n        ansible_python_interpreter: /usr/bin/python3\n`,
  );
  writeFileSync(f.sshConfigPath, `Host *\n  User root\n  IdentityFile ${f.keyPath}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${f.knownHostsPath}\n  StrictHostKeyChecking yes\n  BatchMode yes\n  LogLevel ERROR\n`);
}

/** A handle on the fleet whose state is under `root` (for stop from another process). */
export function makeFleet(root: string, keyPath = join(root, 'keys', 'id_ed25519')): Fleet {
  const run = join(root, 'run');
  const network = existsSync(run) ? readNetwork(run) : 'loopback';
  const hub = existsSync(run) ? readHub(run) : undefined;
  const inHub = (cmd: string, args: string[]): [string, string[]] => (hub ? ['nsenter', [`--net=${hub.netnsPath}`, '--', cmd, ...args]] : [cmd, args]);
  const fleet: Fleet = {
    root,
    hosts: [],
    keyPath,
    knownHostsPath: join(root, 'known_hosts'),
    inventoryIni: join(root, 'inventory.ini'),
    inventoryYaml: join(root, 'inventory.yml'),
    sshConfigPath: join(root, 'ssh_config'),
    network,
    hubNetnsPath: hub?.netnsPath ?? '',
    hubExec(cmd, args, opts) {
      const [c, a] = inHub(cmd, args);
      return spawnSync(c, a, { encoding: 'utf8', ...opts }) as SpawnSyncReturns<string>;
    },
    hubSpawn(cmd, args, opts) {
      const [c, a] = inHub(cmd, args);
      return spawn(c, a, opts ?? {});
    },
    exec(host, cmd) {
      const h = fleet.hosts.find((x) => x.name === host);
      if (!h) throw new Error(`no host ${host}`);
      const nsFlags = ['--mount', '--pid', '--uts', ...(network === 'netns' ? ['--net'] : [])];
      const r = spawnSync('nsenter', ['--target', String(h.initPid), ...nsFlags, '--', 'sh', '-c', cmd], { encoding: 'utf8' });
      return { rc: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
    killSshd(host) {
      const h = fleet.hosts.find((x) => x.name === host);
      if (!h) throw new Error(`no host ${host}`);
      for (const p of processesIn(new Set([h.pidNs]))) {
        if (p.comm !== 'sshd') continue;
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          /* already gone: sessions end with their listener */
        }
      }
    },
    async stop() {
      if (hub && readlinkSync('/proc/self/ns/net') === hub.netNs) throw new Error('stop the fleet from outside its hub network (this process would end itself)');
      const hosts = readHosts(root);
      const nss = new Set(hosts.map((h) => h.pidNs));
      const machineNet = readlinkSync('/proc/self/ns/net');
      const netNss = new Set([...hosts.map((h) => h.netNs).filter((x) => x !== machineNet), ...(hub ? [hub.netNs] : [])]);
      for (const h of hosts) if (alive(h.initPid, h.pidNs)) process.kill(h.initPid, 'SIGTERM');
      const wait = async (ms: number): Promise<boolean> => {
        const end = Date.now() + ms;
        while (Date.now() < end) {
          if (!hosts.some((h) => alive(h.initPid, h.pidNs))) return true;
          await sleep(25);
        }
        return false;
      };
      if (!(await wait(5000))) for (const h of hosts) if (alive(h.initPid, h.pidNs)) process.kill(h.initPid, 'SIGKILL');
      await wait(5000);
      // the outer unshare processes exit once their child is gone
      for (const f of readdirSync(run).filter((x) => x.endsWith('.upid'))) {
        const pid = Number(readFileSync(join(run, f), 'utf8'));
        for (let k = 0; k < 100; k++) {
          try {
            if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'unshare') break;
          } catch {
            break;
          }
          await sleep(20);
        }
      }
      if (hub) await stopHub(hub);
      const leftover = (): Array<{ pid: number; comm: string }> =>
        [...processesIn(nss), ...processesIn(netNss, 'net')].filter((p) => {
          try {
            const st = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
            return !st.slice(st.lastIndexOf(')') + 2).startsWith('Z');
          } catch {
            return false;
          }
        });
      // a killed namespace's processes can take a while to finish exiting on a loaded machine
      // (an init already unreadable through its ns link can still be listed): a leak is what stays
      let left = leftover();
      for (const end = Date.now() + 15_000; left.length && Date.now() < end; left = leftover()) await sleep(100);
      const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1]?.startsWith(root));
      // a bind-mounted nsfs file would keep a network namespace alive with no process in it
      for (const l of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) if ([...netNss].some((ns) => l.includes(` ${ns} `))) mounts.push(l);
      if (left.length || mounts.length) throw new Error(`fleet leak: ${left.map((p) => `${p.pid}(${p.comm})`).join(' ')} ${mounts.join('; ')}`);
      rmSync(root, { recursive: true, force: true });
    },
  };
  fleet.hosts.push(...(existsSync(run) ? readHosts(root) : []));
  return fleet;
}
