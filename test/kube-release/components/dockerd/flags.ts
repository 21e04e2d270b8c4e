// dockerd's own command line (Docker 1.12.6 is not a Kubernetes binary: no pflag table, its
// own `--version` text). Only the daemon flags a kubelet host's unit uses are known; any other
// flag fails start-up the way Docker's flag parser does.

/** The daemon settings the stand-in reads from its command line. */
export interface DockerdFlags {
  hosts: string[];
  graph: string;
  pidfile: string;
  execOpts: string[];
  cgroupDriver: string;
  debug: boolean;
  /** keep containers running when the daemon stops (Docker's default is to stop them) */
  liveRestore: boolean;
  version: boolean;
}

/** Docker's version line, as `dockerd --version` prints it. */
export const DOCKER_VERSION_LINE = 'Docker version 1.12.6, build 78d1802';

const VALUE_FLAGS: Record<string, string> = { '-H': 'host', '--host': 'host', '-g': 'graph', '--graph': 'graph', '-p': 'pidfile', '--pidfile': 'pidfile', '--exec-opt': 'exec-opt', '--log-level': 'log-level', '-l': 'log-level', '--storage-driver': 's', '-s': 's', '--iptables': 'b', '--ip-masq': 'b', '--bridge': 'x', '-b': 'x', '--mtu': 'x', '--insecure-registry': 'x', '--registry-mirror': 'x', '--log-driver': 'x', '--log-opt': 'x' };
const BOOL_FLAGS: Record<string, string> = { '-D': 'debug', '--debug': 'debug', '-v': 'version', '--version': 'version', '--selinux-enabled': 'x', '--live-restore': 'live-restore' };

/** Thrown for a command line Docker would refuse; main prints it and exits 125. */
export class FlagError extends Error {}

/** Parse dockerd's argv (`--x=v`, `--x v`, bools bare or `=true/false`). */
export function parseDockerdFlags(argv: string[]): DockerdFlags {
  const out: DockerdFlags = { hosts: [], graph: '/var/lib/dockerd-standin', pidfile: '/var/run/docker.pid', execOpts: [], cgroupDriver: '', debug: false, liveRestore: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === 'daemon' && i === 0) continue; // `docker daemon` spelling
    const eq = arg.indexOf('=');
    const name = eq > 0 && arg.startsWith('-') ? arg.slice(0, eq) : arg;
    const inline = eq > 0 && arg.startsWith('-') ? arg.slice(eq + 1) : undefined;
    if (BOOL_FLAGS[name]) {
      const on = inline === undefined ? true : inline === 'true';
      if (inline !== undefined && !['true', 'false'].includes(inline)) throw new FlagError(`invalid boolean value "${inline}" for ${name}`);
      if (BOOL_FLAGS[name] === 'debug') out.debug = on;
      if (BOOL_FLAGS[name] === 'version') out.version = on;
      if (BOOL_FLAGS[name] === 'live-restore') out.liveRestore = on;
      continue;
    }
    const key = VALUE_FLAGS[name];
    if (!key) throw new FlagError(`flag provided but not defined: ${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new FlagError(`flag needs an argument: ${name}`);
    if (key === 'host') out.hosts.push(value);
    else if (key === 'graph') out.graph = value;
    else if (key === 'pidfile') out.pidfile = value;
    else if (key === 'exec-opt') out.execOpts.push(value);
  }
  const opt = out.execOpts.map((o) => /^native\.cgroupdriver=(.*)$/.exec(o)?.[1]).find((v) => v !== undefined);
  for (const o of out.execOpts) if (!/^native\.cgroupdriver=/.test(o)) throw new FlagError(`Unknown exec-opt: ${o}`);
  out.cgroupDriver = opt ?? 'cgroupfs'; // Docker 1.12 has no --cgroup-driver flag: only the exec-opt
  if (!['cgroupfs', 'systemd'].includes(out.cgroupDriver)) throw new FlagError(`native.cgroupdriver option ${out.cgroupDriver} not supported`);
  if (!out.hosts.length) out.hosts.push('unix:///var/run/docker.sock');
  for (const h of out.hosts) if (!h.startsWith('unix://')) throw new FlagError(`the stand-in serves unix sockets only, not ${h}`);
  return out;
}
