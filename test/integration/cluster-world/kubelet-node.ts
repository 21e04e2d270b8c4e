// A fleet host as a Kubernetes node for the kubelet tests: the release's dockerd and kubelet
// binaries copied onto it, started and stopped as processes of the host (as its units would
// run them), the host's docker socket reachable from the test through /proc/PID/root.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fleet, FleetHost } from '../../fleet/fleet.js';
import { DockerClient } from '../../kube-release/components/kubelet/docker-client.js';

/** One host running the stand-in dockerd and a kubelet of some version. */
export class KubeletNode {
  readonly docker: DockerClient;

  constructor(
    readonly fleet: Fleet,
    readonly host: FleetHost,
  ) {
    this.docker = new DockerClient(`unix://${this.path('/run/docker.sock')}`);
  }

  /** A path inside the host's root, seen from the test. */
  path(p: string): string {
    return `/proc/${this.host.initPid}/root${p}`;
  }

  sh(cmd: string): string {
    const r = this.fleet.exec(this.host.name, cmd);
    if (r.rc !== 0) throw new Error(`${this.host.name}: ${cmd}: rc ${r.rc} ${r.stderr}`);
    return r.stdout;
  }

  /** Copy a file onto the host (mode 0755 for binaries). */
  put(src: string, dest: string, mode = 0o755): void {
    mkdirSync(dirname(this.path(dest)), { recursive: true });
    copyFileSync(src, this.path(dest));
    chmodSync(this.path(dest), mode);
  }

  /** Start the host's dockerd (detached, own session); resolves when its socket answers. */
  async startDockerd(bin: string, args: string[] = []): Promise<void> {
    this.sh(`setsid -f ${bin} ${args.join(' ')} >>/var/log/dockerd.log 2>&1 </dev/null`);
    for (let i = 0; i < 300; i++) {
      try {
        await this.docker.info();
        return;
      } catch {
        await sleep(50);
      }
    }
    throw new Error(`dockerd on ${this.host.name} did not answer: ${this.log('/var/log/dockerd.log')}`);
  }

  /** Start a kubelet binary with args, logging to /var/log/kubelet.log; its pid goes to /run/kubelet.pid. */
  async startKubelet(bin: string, args: string[]): Promise<void> {
    this.sh(`rm -f /run/kubelet.pid; : > /var/log/kubelet.log; setsid -f sh -c 'echo $$ > /run/kubelet.pid.tmp && mv /run/kubelet.pid.tmp /run/kubelet.pid; exec ${bin} ${args.join(' ')}' >>/var/log/kubelet.log 2>&1 </dev/null`);
    for (let i = 0; i < 200 && !existsSync(this.path('/run/kubelet.pid')); i++) await sleep(25);
    if (!existsSync(this.path('/run/kubelet.pid'))) throw new Error(`kubelet on ${this.host.name} did not start`);
  }

  /** The kubelet's pid in the host, if it runs. */
  kubeletPid(): number | undefined {
    if (!existsSync(this.path('/run/kubelet.pid'))) return undefined;
    const pid = Number(readFileSync(this.path('/run/kubelet.pid'), 'utf8').trim());
    return this.alive(pid) ? pid : undefined;
  }

  /** Is this pid (as the host numbers it) a live process there? */
  alive(pid: number): boolean {
    // one read of the status: a process reaped between a `test -d` and a grep of its (then missing)
    // status file would otherwise count as alive, since the negated grep succeeds
    const r = this.fleet.exec(this.host.name, `s=$(cat /proc/${pid}/status 2>/dev/null) && printf '%s' "$s" | grep -q '^State:' && ! printf '%s' "$s" | grep -q '^State:.*Z'`);
    return r.rc === 0;
  }

  /** Wait until the kubelet has finished `passes` full relists after now (its --v=4 log line). */
  async waitRelists(passes: number, timeoutMs = 60_000): Promise<void> {
    const count = (): number => (this.log('/var/log/kubelet.log').match(/relist done/g) ?? []).length;
    const start = count();
    const end = Date.now() + timeoutMs;
    while (count() < start + passes) {
      if (Date.now() > end) throw new Error(`kubelet on ${this.host.name} did not relist: ${this.log('/var/log/kubelet.log').slice(-3000)}`);
      if (this.kubeletPid() === undefined) throw new Error(`kubelet on ${this.host.name} exited: ${this.log('/var/log/kubelet.log').slice(-3000)}`);
      await sleep(100);
    }
  }

  /** SIGTERM the kubelet and wait until it is gone. */
  async stopKubelet(): Promise<void> {
    const pid = this.kubeletPid();
    if (pid === undefined) return;
    this.sh(`kill ${pid}`);
    for (let i = 0; i < 200 && this.alive(pid); i++) await sleep(50);
    if (this.alive(pid)) throw new Error(`kubelet ${pid} on ${this.host.name} did not stop`);
  }

  /** Wait for a kubelet run to exit on its own (start-up refusals); its exit code via the shell. */
  runKubeletOnce(bin: string, args: string[]): { rc: number; stderr: string } {
    const r = this.fleet.exec(this.host.name, `timeout 30 ${bin} ${args.join(' ')} 2>&1`);
    return { rc: r.rc, stderr: r.stdout + r.stderr };
  }

  log(file: string): string {
    try {
      return readFileSync(this.path(file), 'utf8');
    } catch {
      return '';
    }
  }
}
