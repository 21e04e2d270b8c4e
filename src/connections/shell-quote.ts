// POSIX sh quoting: the one place that turns a value into a safe shell word.

/** Quote one argument for POSIX sh: single quotes, with embedded ' as '\''. */
export function quote(arg: unknown): string {
  const s = String(arg);
  if (s === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Join argv into one sh command line. */
export function quoteArgs(args: readonly unknown[]): string {
  return args.map(quote).join(' ');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `export K=V ...; ` for a command line, or '' without variables. Transports that cannot pass
 * an environment (sshd refuses most setenv requests, pod exec has none) carry it this way.
 */
export function envPrefix(env: Record<string, string> | undefined): string {
  if (!env || !Object.keys(env).length) return '';
  for (const k of Object.keys(env)) if (!ENV_NAME.test(k)) throw new Error(`invalid environment variable name '${k}'`);
  return `export ${Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`).join(' ')}; `;
}
