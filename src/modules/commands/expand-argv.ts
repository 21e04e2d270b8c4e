// Ansible's run_command (the command module, a file module's `validate`) runs argv without a
// shell but expands $VAR, ${VAR} and a leading ~ in each word on the target first
// (os.path.expandvars, then expanduser). This turns such argv into sh text doing the same there.
import { quote } from '../../connections/shell-quote.js';

const VAR = /\$(?:([A-Za-z0-9_]+)|\{([A-Za-z_][A-Za-z0-9_]*)\})/g;
const TILDE = /^~[A-Za-z0-9_.-]*(?=\/|$)/;

/**
 * One word as sh text that expands as Python's expanduser(expandvars(word)) would: a variable
 * that is not set stays as written (expandvars' rule), nothing else is special.
 */
export function expandingWord(word: string): string {
  const parts: string[] = [];
  let rest = word;
  const tilde = TILDE.exec(rest);
  if (tilde) {
    // unquoted, so sh expands it: ~ is $HOME, ~user that user's home, an unknown user stays as is
    // the slash after it must be unquoted too, or sh leaves the ~ alone
    const slash = rest.startsWith('/', tilde[0].length) ? '/' : '';
    parts.push(tilde[0] + slash);
    rest = rest.slice(tilde[0].length + slash.length);
  }
  let at = 0;
  for (const m of rest.matchAll(VAR)) {
    const name = m[1] ?? m[2]!;
    if (m.index > at) parts.push(quote(rest.slice(at, m.index)));
    // a name sh cannot hold (a leading digit) is never set, so it stays as written
    if (/^[0-9]/.test(name)) parts.push(quote(m[0]));
    else parts.push(m[1] !== undefined ? `"\${${name}-\\$${name}}"` : `"\${${name}-\\\${${name}\\}}"`);
    at = m.index + m[0].length;
  }
  if (at < rest.length || parts.length === 0) parts.push(quote(rest.slice(at)));
  return parts.join('');
}

/** argv as one sh command line; with expand (Ansible's default) $VARs and ~ expand on the target. */
export function argvLine(argv: readonly string[], expand: boolean): string {
  return argv.map((w) => (expand ? expandingWord(w) : quote(w))).join(' ');
}
