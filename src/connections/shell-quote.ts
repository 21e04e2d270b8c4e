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
