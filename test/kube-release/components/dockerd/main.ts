// dockerd stand-in: `dockerd [-H unix:///var/run/docker.sock] [--exec-opt native.cgroupdriver=systemd]
// [-g /var/lib/dockerd-standin]`. Serves the Docker API slice of http-api.ts on its unix
// socket(s); containers are detached processes that outlive a crashed daemon and are
// re-adopted on restart. SIGTERM stops every running container first, as Docker does, unless
// --live-restore (then they keep running, as with Docker's live restore).
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { DOCKER_VERSION_LINE, FlagError, parseDockerdFlags } from './flags.js';
import { Engine } from './engine.js';
import { handleDockerRequest } from './http-api.js';
import { writeDurable } from './state.js';

function log(level: string, msg: string): void {
  process.stderr.write(`time="${new Date().toISOString()}" level=${level} msg="${msg.replace(/"/g, '\\"')}"\n`);
}

/** sd_notify READY=1 when started by a Type=notify unit (Docker's own unit is one), so `systemctl start docker` returns once the API serves. */
function notifyReady(): void {
  if (!process.env.NOTIFY_SOCKET) return;
  const r = spawnSync('systemd-notify', ['--ready', `--pid=${process.pid}`], { stdio: 'ignore' });
  log(r.status === 0 ? 'info' : 'warning', r.status === 0 ? 'notified the service manager: READY=1' : `systemd-notify --ready failed (${r.status ?? r.error?.message})`);
}

/** Run the daemon until SIGTERM/SIGINT. argv: the command line after the program name. */
export async function main(argv: string[]): Promise<void> {
  let flags;
  try {
    flags = parseDockerdFlags(argv);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`${e.message}\nSee 'dockerd --help'.\n`);
    process.exit(125);
  }
  if (flags.version) {
    process.stdout.write(`${DOCKER_VERSION_LINE}\n`);
    return;
  }
  if (process.getuid?.() !== 0) {
    log('fatal', 'dockerd needs to be started with root. To see how to run dockerd in rootless mode with unprivileged user, see the documentation');
    process.exit(1);
  }
  mkdirSync(flags.graph, { recursive: true });
  const engine = new Engine(flags.graph);
  const adopted = engine.all().filter((c) => c.running).length;
  log('info', `Loading containers: done. (${adopted} running container(s) re-adopted)`);
  const info = { cgroupDriver: flags.cgroupDriver, graph: flags.graph, name: hostname() };
  const servers: Server[] = [];
  for (const h of flags.hosts) {
    const path = h.slice('unix://'.length);
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path) && statSync(path).isSocket()) rmSync(path); // a dead daemon's socket
    const server = createServer((req, res) => void handleDockerRequest(engine, info, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    servers.push(server);
    log('info', `API listen on ${path}`);
  }
  writeDurable(flags.pidfile, `${process.pid}`);
  notifyReady();
  log('info', `Daemon has completed initialization (cgroup driver ${flags.cgroupDriver})`);
  log('info', `Docker daemon commit=78d1802 graphdriver=overlay version=1.12.6`);
  const reaper = setInterval(() => engine.reap(), 1000);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  log('info', "Processing signal 'terminated'");
  clearInterval(reaper);
  for (const s of servers) s.close();
  if (flags.liveRestore) log('info', 'live-restore enabled: leaving running containers up');
  else log('info', `stopped ${await engine.stopAll(10)} running container(s) on shutdown`);
  rmSync(flags.pidfile, { force: true });
  process.exit(0);
}
