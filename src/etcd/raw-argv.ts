// When `drover etcd backup` cannot even parse its flags, it still owes cron a log line and a
// notification: read the few flags that say where to send them straight from argv.

/** Every value of --name (as `--name v` or `--name=v`) in argv. */
function values(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}` && i + 1 < argv.length) out.push(argv[++i]!);
    else if (a.startsWith(`--${name}=`)) out.push(a.slice(name.length + 3));
  }
  return out;
}

/** The notification and output settings found in raw argv. */
export function rawBackupSettings(argv: readonly string[]): { json: boolean; webhook?: string; mailTo: string[]; smtp: string; mailFrom: string; cluster?: string } {
  return {
    json: argv.includes('--json'),
    webhook: values(argv, 'webhook').pop(),
    mailTo: values(argv, 'mail-to'),
    smtp: values(argv, 'smtp').pop() ?? 'smtp://127.0.0.1:25',
    mailFrom: values(argv, 'mail-from').pop() ?? 'drover@localhost',
    cluster: values(argv, 'cluster').pop(),
  };
}
