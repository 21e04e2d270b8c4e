// drover inspect: run pluggable checks over every host and report failures (red) and warnings (yellow).
import { Flags } from '@oclif/core';
import { LeanCommand, pickBaseFlags } from '../cli/base-command.js';

export default class Inspect extends LeanCommand {
  // only the base flags this command reads; the others are refused, not ignored
  static override baseFlags = pickBaseFlags('inventory', 'limit', 'extra-vars', 'json');

  static override summary = 'Inspect the fleet with pluggable checks; failures in red, warnings in yellow';
  static override description = `Runs the built-in checks (playbooks/inspect/checks in the package: disk and inode use, memory,
load per core, clock offset against this machine, zombies, open files, kernel spread,
certificate expiry; etcd members on group etcd; with a kubeconfig the cluster checks: apiserver
/healthz, leader locks, nodes Ready, version skew, pods restarting or Pending) and every check in --checks DIR (YAML or .mjs/.js/.ts modules; same id
replaces a built-in) over one pooled connection per host, hosts in parallel. Thresholds and
params per group: inventory var inspect_overrides: {CHECK_ID: {warning: N, critical: N, PARAM: V}}.
An unreachable host is a critical finding.

EXIT CODES
  0   every check passed
  1   warnings only
  2   a critical failure (or an unreachable host)
  5   invalid input (a broken check file: file:line:col; inventory; flags); nothing ran`;

  static override examples = [
    '<%= config.bin %> inspect -i inventory.yml',
    '<%= config.bin %> inspect -i inventory.yml --checks ./my-checks --skip certificates --html report.html --history /var/lib/drover/inspect',
  ];

  static override flags = {
    checks: Flags.string({ description: 'directory of extra checks (repeatable)', multiple: true, multipleNonGreedy: true }),
    builtin: Flags.boolean({ description: 'run the built-in checks', default: true, allowNo: true }),
    only: Flags.string({ description: 'run only checks with this tag or id (repeatable)', multiple: true, multipleNonGreedy: true }),
    skip: Flags.string({ description: 'skip checks with this tag or id (repeatable)', multiple: true, multipleNonGreedy: true }),
    forks: Flags.integer({ char: 'f', description: 'hosts inspected at once', default: 50, min: 1 }),
    'connect-timeout': Flags.integer({ description: 'seconds to wait for a host to answer', default: 10, min: 1 }),
    html: Flags.string({ description: 'also write a self-contained HTML report to this file' }),
    history: Flags.string({ description: 'directory of past JSON reports: mark new failures, keep this one' }),
    webhook: Flags.string({ description: 'POST a JSON summary (counts and failures) to this URL' }),
    'mail-to': Flags.string({ description: 'e-mail the summary (counts, then every failure) to this address (repeatable)', multiple: true, multipleNonGreedy: true }),
    'mail-from': Flags.string({ description: 'sender address', default: 'drover@localhost' }),
    smtp: Flags.string({ description: 'SMTP server URL, smtp://[user:pass@]host:port or smtps://...', default: 'smtp://127.0.0.1:25' }),
    kubeconfig: Flags.string({ description: 'kubeconfig for the cluster checks [default: inventory var inspect_kubeconfig; without one they do not run]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Inspect);
    const { inspect } = await import('../inspect/inspect.js');
    const code = await inspect({
      inventory: this.inventorySources(flags.inventory),
      limit: flags.limit,
      extraVars: flags['extra-vars'] ?? [],
      checksDirs: flags.checks ?? [],
      builtin: flags.builtin,
      only: flags.only ?? [],
      skip: flags.skip ?? [],
      forks: flags.forks,
      connectTimeoutS: flags['connect-timeout'],
      json: flags.json,
      html: flags.html,
      history: flags.history,
      webhook: flags.webhook,
      mail: flags['mail-to']?.length ? { url: flags.smtp, from: flags['mail-from'], to: flags['mail-to'] } : undefined,
      kubeconfig: flags.kubeconfig,
      color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
      log: (line) => this.log(line),
      logError: (line) => this.logToStderr(line),
    });
    if (code !== 0) this.exit(code);
  }
}
