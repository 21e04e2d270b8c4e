// What a pod offers that file transfer and become depend on, asked once per connection:
// who exec runs as (become to that user is a no-op) and whether tar is there.

/** The answers of probeScript. */
export interface PodFacts {
  uid: string;
  user: string;
  hasTar: boolean;
}

/** One sh command answering every question as key=value lines. */
export const PROBE_SCRIPT = `printf 'uid=%s\\nuser=%s\\n' "$(id -u 2>/dev/null)" "$(id -un 2>/dev/null)"; if command -v tar >/dev/null 2>&1; then echo tar=yes; else echo tar=no; fi`;

/** Parse PROBE_SCRIPT's output. */
export function parseProbe(stdout: string): PodFacts {
  const kv = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return { uid: kv.get('uid') ?? '', user: kv.get('user') ?? '', hasTar: kv.get('tar') === 'yes' };
}
