// drover inspect, end to end: load checks and inventory (input errors before anything runs),
// inspect, mark what is new against --history, render, keep the report, notify; returns the
// exit code (0 all passed, 1 warnings only, 2 any critical).
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { InputError } from '../cli/errors.js';
import { parseExtraVars } from '../cli/extra-vars.js';
import { loadInventory } from '../inventory/load-inventory.js';
import { postWebhook } from '../etcd/backup-notify.js';
import { sendMail, type MailSettings } from '../util/send-mail.js';
import { loadChecks, selectChecks } from './load-checks.js';
import { runInspection } from './run-inspection.js';
import { buildReport } from './inspect-report.js';
import { markNew, previousReport, saveReport } from './report-history.js';
import { renderTable } from './render-table.js';
import { renderHtml } from './render-html.js';

/** Everything the command passes in. */
export interface InspectCommandOptions {
  inventory: string[];
  limit?: string;
  extraVars: string[];
  checksDirs: string[];
  builtin: boolean;
  only: string[];
  skip: string[];
  forks: number;
  connectTimeoutS: number;
  json: boolean;
  html?: string;
  history?: string;
  webhook?: string;
  mail?: MailSettings;
  kubeconfig?: string;
  color: boolean;
  log: (line: string) => void;
  logError: (line: string) => void;
}

/** Run an inspection; InputError escapes (exit 5 by the command's catch). */
export async function inspect(o: InspectCommandOptions): Promise<number> {
  const started = new Date();
  const checks = selectChecks(await loadChecks(o.checksDirs, { builtin: o.builtin }), o.only, o.skip);
  const inventory = await loadInventory(o.inventory);
  if (inventory.select('all', o.limit).length === 0) throw new InputError('no hosts to inspect (empty inventory or --limit matched nothing)', { field: '--inventory' });
  const previous = o.history ? previousReport(o.history) : undefined;
  const extraVars = parseExtraVars(o.extraVars);
  const kc = o.kubeconfig ?? extraVars.inspect_kubeconfig ?? inventory.groups.get('all')?.vars.inspect_kubeconfig;
  const kubeconfig = kc === undefined || kc === null || kc === '' ? undefined : String(kc);
  const clusterChecks = checks.filter((c) => c.scope === 'cluster');
  if (clusterChecks.length && !kubeconfig) o.logError(`note: ${clusterChecks.length} cluster check(s) not run: no --kubeconfig (or inventory var inspect_kubeconfig)`);
  const ran = kubeconfig ? checks : checks.filter((c) => c.scope !== 'cluster');
  const run = await runInspection({ inventory, limit: o.limit, extraVars, checks: ran, forks: o.forks, connectTimeoutS: o.connectTimeoutS, kubeconfig });
  const report = buildReport({ hosts: run.hosts, findings: markNew(run.findings, previous) }, ran, started, previous?.startedAt ?? '');
  if (o.json) o.log(JSON.stringify(report));
  else for (const line of renderTable(report, o.color)) o.log(line);
  if (o.html) {
    writeFileAtomic(o.html, renderHtml(report));
    if (!o.json) o.log(`html report: ${o.html}`);
  }
  if (o.history) {
    const file = saveReport(o.history, report);
    if (!o.json) o.log(`report kept: ${file}`);
  }
  if (o.webhook) {
    const failures = report.findings.filter((f) => f.status !== 'ok');
    const sent = await postWebhook(o.webhook, { event: 'inspect', startedAt: report.startedAt, exitCode: report.exitCode, summary: report.summary, failures });
    if (!sent.ok) o.logError(`WARNING: ${sent.error}`);
  }
  if (o.mail) {
    const sent = await sendMail(o.mail, mailSubject(report.summary), mailText(report));
    if (!sent.ok) o.logError(`WARNING: ${sent.error}`);
  }
  return report.exitCode;
}

/** The mail subject an on-call engineer triages from: the counts, or that all passed. */
export function mailSubject(summary: { critical: number; warning: number; unreachable: number; new: number }): string {
  if (!summary.critical && !summary.warning) return '[drover] inspect: all checks passed';
  const parts = [summary.critical && `${summary.critical} critical`, summary.warning && `${summary.warning} warning`, summary.new && `${summary.new} new`].filter(Boolean);
  return `[drover] inspect: ${parts.join(', ')}`;
}

/** The mail body: one line per failure, critical first, new ones marked. */
function mailText(report: { startedAt: string; summary: { hosts: number }; findings: { check: string; host: string; item?: string; status: string; message: string; isNew?: boolean }[] }): string {
  const rank = (s: string): number => (s === 'critical' ? 0 : 1);
  const failing = report.findings.filter((f) => f.status !== 'ok').sort((a, b) => rank(a.status) - rank(b.status) || a.check.localeCompare(b.check) || a.host.localeCompare(b.host));
  const lines = failing.map((f) => `${f.status.toUpperCase()}${f.isNew ? ' NEW' : ''} ${f.check} ${f.host}${f.item ? ` ${f.item}` : ''}: ${f.message}`);
  return `inspection of ${report.summary.hosts} host(s) started ${report.startedAt}\n\n${lines.join('\n') || 'every check passed'}\n`;
}
