// glog-style logging for the stand-in binaries: one line per message on stderr, in the
// shape real Kubernetes components write to their unit's journal, so runbooks and tests
// can grep for the same text they would see on a real node.

/** glog's severity letters. */
export type Severity = 'I' | 'W' | 'E' | 'F';

let verbosity = 0;

/** Set by the entry from `--v`, so `log.v(n)` matches glog's -v gating. */
export function setVerbosity(level: number): void {
  verbosity = level;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** One glog line: `I1201 23:15:00.123456    1234 file.go:12] msg` (UTC, pid padded to 7). */
export function formatLine(sev: Severity, where: string, msg: string, now = new Date(), pid = process.pid): string {
  const micros = String(now.getUTCMilliseconds() * 1000).padStart(6, '0');
  const stamp = `${two(now.getUTCMonth() + 1)}${two(now.getUTCDate())} ${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())}.${micros}`;
  const src = where.includes(':') ? where : `${where}:1`;
  return `${sev}${stamp} ${String(pid).padStart(7, ' ')} ${src}] ${msg}\n`;
}

/** A logger bound to one source name (shown where glog shows file:line). */
export interface Log {
  info(msg: string): void;
  warning(msg: string): void;
  error(msg: string): void;
  /** glog.Fatalf: log and exit; real components exit 255 here (files.ts uses 1, as their mains do). */
  fatal(msg: string, code?: number): never;
  /** glog.V(level): true when `--v` is at least `level`. */
  v(level: number): boolean;
}

function write(sev: Severity, where: string, msg: string): void {
  // stderr to a pipe or file is synchronous in Node, so a following exit loses nothing
  for (const line of msg.split('\n')) process.stderr.write(formatLine(sev, where, line));
}

/** A logger whose lines name `where` (e.g. 'server.go' or 'server.go:142'). */
export function newLog(where: string): Log {
  return {
    info: (msg) => write('I', where, msg),
    warning: (msg) => write('W', where, msg),
    error: (msg) => write('E', where, msg),
    fatal: (msg, code = 255) => {
      write('F', where, msg);
      process.exit(code);
    },
    v: (level) => verbosity >= level,
  };
}
