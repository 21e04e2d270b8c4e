// A fleet of real sshd hosts on this machine: each host is its own mount/pid/uts namespace
// with an overlay root over / (upper layer on a private tmpfs), its own hostname and an sshd
// on 127.0.0.(10+i). Tests and benchmarks start and stop it; state lives in files under the
// root so `npm run fleet -- down` can stop a fleet another process started.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const HERE = dirname(fileURLToPath(import.meta.url));
const CACHE = process.env.DROVER_FLEET_CACHE ?? '/var/cache/drover-fleet';

export interface FleetHost {
  name: string;
  ip: string;
  index: number;
  initPid: number;
  pidNs: string;
  mntNs: string;
}

export interface Fleet {
  root: string;
  hosts: FleetHost[];
  keyPath: string;
  knownHostsPath: string;
  inventoryIni: string;
  inventoryYaml: string;
  sshConfigPath: string;
  /** Run a command inside a host's namespaces from the controller (not over ssh). */
  exec(host: string, cmd: string): { rc: number; stdout: string; stderr: string };
  /** Kill a host's sshd (its listener and sessions): the host becomes unreachable. */
  killSshd(host: string): void;
  /** Stop every host, check that no process or mount is left; throws on a leak. */
  stop(): Promise<void>;
}

/** Host i's address: 127.S.0.11, 127.S.0.12, ...; past 200 into 127.S.1.x (S: the fleet's subnet). */
export function ipOf(i: number, subnet = 0): string {
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

/** Processes (global pids) whose pid namespace is one of `nss`. */
function processesIn(nss: Set<string>): { pid: number; comm: string; ns: string }[] {
  const out: { pid: number; comm: string; ns: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ns = readlinkSync(`/proc/${d}/ns/pid`);
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
export async function startFleet(options: { hosts: number; root?: string; name?: string; /** second octet, so two fleets can run at once */ subnet?: number }): Promise<Fleet> {
  const subnet = options.subnet ?? 0;
  const n = options.hosts;
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
  writeFileSync(join(run, 'hosts'), `127.0.0.1 localhost\n${names.map((i) => `${ipOf(i, subnet)} host${i}`).join('\n')}\n`);
  writeFileSync(join(run, 'subnet'), String(subnet));

  const upids: number[] = [];
  for (const i of names) {
    const child = spawn('setsid', ['unshare', '--mount', '--pid', '--uts', '--fork', '--kill-child', '--propagation', 'private', 'sh', join(HERE, 'host-init.sh'), String(i), ipOf(i, subnet), root], {
      detached: true,
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

function readHosts(root: string): FleetHost[] {
  const run = join(root, 'run');
  const subnet = existsSync(join(run, 'subnet')) ? Number(readFileSync(join(run, 'subnet'), 'utf8')) : 0;
  return readdirSync(run)
    .filter((f) => /^host\d+\.init$/.test(f))
    .map((f) => {
      const index = Number(/\d+/.exec(f)![0]);
      const [pid, pidNs, mntNs] = readFileSync(join(run, f), 'utf8').trim().split(' ');
      return { name: `host${index}`, ip: ipOf(index, subnet), index, initPid: Number(pid), pidNs: pidNs!, mntNs: mntNs! };
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
  const fleet: Fleet = {
    root,
    hosts: [],
    keyPath,
    knownHostsPath: join(root, 'known_hosts'),
    inventoryIni: join(root, 'inventory.ini'),
    inventoryYaml: join(root, 'inventory.yml'),
    sshConfigPath: join(root, 'ssh_config'),
    exec(host, cmd) {
      const h = fleet.hosts.find((x) => x.name === host);
      if (!h) throw new Error(`no host ${host}`);
      const r = spawnSync('nsenter', ['--target', String(h.initPid), '--mount', '--pid', '--uts', '--', 'sh', '-c', cmd], { encoding: 'utf8' });
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
      const hosts = readHosts(root);
      const nss = new Set(hosts.map((h) => h.pidNs));
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
      const left = processesIn(nss).filter((p) => {
        try {
          const st = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
          return !st.slice(st.lastIndexOf(')') + 2).startsWith('Z');
        } catch {
          return false;
        }
      });
      const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1]?.startsWith(root));
      if (left.length || mounts.length) throw new Error(`fleet leak: ${left.map((p) => `${p.pid}(${p.comm})`).join(' ')} ${mounts.join('; ')}`);
      rmSync(root, { recursive: true, force: true });
    },
  };
  fleet.hosts.push(...(existsSync(run) ? readHosts(root) : []));
  return fleet;
}
