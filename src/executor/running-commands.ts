// Commands in flight during a run, per host, so an interrupt can say what it is waiting for.

/** Counts running commands per host. */
export class RunningCommands {
  private readonly perHost = new Map<string, number>();

  /** Count `run` under `host` until it settles. */
  async track<T>(host: string, run: () => Promise<T>): Promise<T> {
    this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
    try {
      return await run();
    } finally {
      const n = (this.perHost.get(host) ?? 1) - 1;
      if (n > 0) this.perHost.set(host, n);
      else this.perHost.delete(host);
    }
  }

  /** How many commands run now. */
  get count(): number {
    let n = 0;
    for (const c of this.perHost.values()) n += c;
    return n;
  }

  /** Hosts with a command running, sorted. */
  get hosts(): string[] {
    return [...this.perHost.keys()].sort();
  }
}
