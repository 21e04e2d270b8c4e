// Usage errors (bad flags, missing or extra arguments, unknown commands) as one or two short
// lines on stderr and exit 5, the code for invalid input: oclif's defaults print the whole
// help and exit 2, which scripts read as "a host failed".

/**
 * An error thrown while oclif parsed the command line: a CLIParseError (it carries the parse
 * input) or a flag's own parse error ("Parsing --forks: Expected an integer"), which does not.
 */
export function isUsageError(err: unknown, parsed: boolean): err is Error & { args?: { name: string }[] } {
  if (!(err instanceof Error) || (err as { code?: string }).code === 'EEXIT') return false;
  return Boolean((err as { parse?: unknown }).parse) || (!parsed && err.name !== 'InputError' && 'oclif' in err);
}

/** "See drover inventory list --help": where to read the usage of a command id (`a:b`). */
export function helpHint(bin: string, id?: string): string {
  return `See ${[bin, ...(id ? id.split(':') : [])].join(' ')} --help`;
}

/** The two lines printed for a parse error: what was wrong, then where the usage is. */
export function usageErrorLines(err: Error & { args?: { name: string }[] }, bin: string, id?: string): string {
  let what: string;
  if (/^Missing \d+ required args?/.test(err.message) && Array.isArray(err.args) && err.args.length) {
    what = `missing argument ${err.args.map((a) => a.name.toUpperCase()).join(', ')}`;
  } else {
    // oclif appends a note on greedy flags and its own help hint; keep only what was wrong
    what = err.message
      .replace(/\n\s*Note:[\s\S]*$/, '')
      .replace(/\n?See more help with --help\s*$/, '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ');
  }
  return `ERROR! ${what}\n${helpHint(bin, id)}`;
}
