// One connection per (host, transport, connection settings) for the whole run, created on first
// use and closed at the end: a task whose vars or keywords ask for another user, port or
// address gets a connection of its own (and keeps it for later tasks), as Ansible connects
// with each task's settings. Transports are imported lazily so `drover --version` never loads ssh2.
import type { Connection, ConnectionFactory, HostVars } from '../connections/types.js';
import { InputError } from '../cli/errors.js';
import { TRANSPORT_ALIASES, unknownTransportMessage } from '../connections/transport-names.js';

const loaders: Record<string, () => Promise<ConnectionFactory>> = {
  local: async () => (await import('../connections/local.js')).localConnectionFactory,
  ssh: async () => (await import('../connections/ssh.js')).sshConnectionFactory,
  kubernetes: async () => (await import('../connections/kubernetes.js' as string)).kubernetesConnectionFactory,
};

/** Which transport a host uses: its ansible_connection var, else the play's, else -c, else ssh; `render` resolves a templated one. */
export function transportFor(vars: HostVars, playConnection?: string, cliConnection?: string, render?: (template: string) => unknown): string {
  let t = String(vars.ansible_connection ?? playConnection ?? cliConnection ?? 'ssh');
  if (render && t.includes('{{')) t = String(render(t));
  return TRANSPORT_ALIASES[t] ?? t;
}

/** Caches connections per host and connection settings for the run. */
export class ConnectionPool {
  private readonly conns = new Map<string, Promise<Connection>>();
  private readonly factories = new Map<string, Promise<ConnectionFactory>>();

  /** The connection for a host with these settings (created, not yet connected: connect() is lazy). */
  async get(host: string, transport: string, vars: HostVars): Promise<Connection> {
    const f = await this.factory(transport);
    // no await between the lookup and the set: concurrent gets for the same settings share one
    const key = `${transport}\0${host}\0${f.settingsKey?.(host, vars) ?? ''}`;
    let c = this.conns.get(key);
    if (!c) {
      c = Promise.resolve().then(() => f.create(host, vars));
      this.conns.set(key, c);
    }
    return c;
  }

  private factory(transport: string): Promise<ConnectionFactory> {
    let f = this.factories.get(transport);
    if (!f) {
      const load = loaders[transport];
      if (!load) throw new InputError(unknownTransportMessage(transport), { field: 'ansible_connection' });
      f = load();
      this.factories.set(transport, f);
    }
    return f;
  }

  /** Drop a host's connection (meta: reset_connection). */
  async reset(host: string): Promise<void> {
    for (const [key, c] of this.conns) {
      if (key.split('\0')[1] === host) {
        this.conns.delete(key);
        await (await c).close().catch(() => undefined);
      }
    }
  }

  /** Close every connection; errors while closing are ignored (the run is over). */
  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(all.map(async (c) => (await c.catch(() => undefined))?.close().catch(() => undefined)));
  }
}
