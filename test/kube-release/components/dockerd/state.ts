// The daemon's record of its containers, one JSON file per container under GRAPH/containers,
// written temp+fsync+rename, so a restarted dockerd finds every container it created.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** What dockerd knows of one container (enough for create/list/inspect/stop). */
export interface ContainerRecord {
  id: string;
  name: string; // without the leading slash
  image: string;
  cmd: string[];
  env: string[];
  labels: Record<string, string>;
  cgroupParent: string;
  networkMode: string;
  created: string; // RFC 3339 with nanoseconds, as Docker prints it
  running: boolean;
  pid: number;
  /** the pid's start time in clock ticks since boot (/proc/PID/stat field 22): tells a recycled pid apart */
  pidStart: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  restartedByDaemon?: boolean;
}

/** Write a file atomically and durably (temp, fsync, rename). */
export function writeDurable(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** The on-disk container store of one daemon. */
export class ContainerStore {
  readonly dir: string;

  constructor(graph: string) {
    this.dir = join(graph, 'containers');
    mkdirSync(this.dir, { recursive: true });
  }

  /** Every container recorded, oldest first. */
  load(): ContainerRecord[] {
    const out: ContainerRecord[] = [];
    for (const id of readdirSync(this.dir)) {
      const f = join(this.dir, id, 'config.json');
      if (!existsSync(f)) continue;
      try {
        out.push(JSON.parse(readFileSync(f, 'utf8')) as ContainerRecord);
      } catch {
        /* a torn record cannot happen with rename; skip anything foreign */
      }
    }
    return out.sort((a, b) => a.created.localeCompare(b.created));
  }

  /** The container's directory (its log lives there too). */
  pathOf(id: string): string {
    return join(this.dir, id);
  }

  save(c: ContainerRecord): void {
    mkdirSync(this.pathOf(c.id), { recursive: true });
    writeDurable(join(this.pathOf(c.id), 'config.json'), `${JSON.stringify(c, null, 1)}\n`);
  }

  remove(id: string): void {
    rmSync(this.pathOf(id), { recursive: true, force: true });
  }
}
