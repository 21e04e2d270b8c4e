// --html FILE: one self-contained page (inline CSS and a few lines of inline script, nothing
// fetched): summary on top, failures first in red/yellow with new ones marked, then every
// host's detail.
import type { Finding } from './check-contract.js';
import type { InspectReport } from './inspect-report.js';

function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
tr.critical{background:#c62828;color:#fff}tr.warning{background:#f9d648;color:#222}tr.ok td.status{color:#2e7d32}
.badge{font-weight:bold;border:1px solid currentColor;padding:0 4px;margin-left:4px}
.summary span{display:inline-block;margin-right:1.5em;font-size:1.2em}.summary .c{color:#c62828}.summary .w{color:#b08800}`;

function row(f: Finding, withHost: boolean): string {
  const badge = f.isNew ? '<span class="badge new">NEW</span>' : '';
  return `<tr class="${f.status}" data-check="${esc(f.check)}" data-host="${esc(f.host)}" data-item="${esc(f.item ?? '')}" data-new="${f.isNew ? 'yes' : 'no'}"><td class="status">${esc(f.status.toUpperCase())}${badge}</td><td>${esc(f.check)}</td>${withHost ? `<td>${esc(f.host)}</td>` : ''}<td>${esc(f.item ?? '')}</td><td>${esc(f.value ?? '')}</td><td>${esc(f.message)}</td><td>${esc(f.remediation ?? '')}</td></tr>`;
}

/** The page as a string. */
export function renderHtml(report: InspectReport): string {
  const s = report.summary;
  const failures = report.findings.filter((f) => f.status !== 'ok');
  const head = (withHost: boolean): string => `<tr><th>Status</th><th>Check</th>${withHost ? '<th>Host</th>' : ''}<th>Item</th><th>Value</th><th>Detail</th><th>Remediation</th></tr>`;
  const hosts = report.hosts.map((h) => {
    const mine = report.findings.filter((f) => f.host === h);
    const worst = mine.some((f) => f.status === 'critical') ? 'critical' : mine.some((f) => f.status === 'warning') ? 'warning' : 'ok';
    return `<section class="host" id="host-${esc(h)}"><h3>${esc(h)} — ${worst}</h3><table>${head(false)}${mine.map((f) => row(f, false)).join('')}</table></section>`;
  });
  // the computed colours are written into the DOM so a dumped page shows what a reader saw
  const script = `for(const r of document.querySelectorAll('#failures tr[data-check]')){const c=getComputedStyle(r);r.dataset.bg=c.backgroundColor;}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drover inspect ${esc(report.startedAt)}</title><style>${STYLE}</style></head>
<body><h1>Inspection report — ${esc(report.startedAt)}</h1>
<div class="summary" id="summary"><span>${s.hosts} hosts</span><span class="c">${s.critical} critical</span><span class="w">${s.warning} warning</span><span>${s.ok} ok</span><span>${s.unreachable} unreachable</span><span>${report.previousAt ? `${s.new} new since ${esc(report.previousAt)}` : 'no previous report'}</span><span>exit ${report.exitCode}</span></div>
<section id="failures"><h2>Failures (${failures.length})</h2>${failures.length ? `<table>${head(true)}${failures.map((f) => row(f, true)).join('')}</table>` : '<p>None: every check passed.</p>'}</section>
<section id="hosts"><h2>Hosts</h2>${hosts.join('\n')}</section>
<section id="checks"><h2>Checks</h2><table><tr><th>Check</th><th>Severity</th><th>Description</th><th>Source</th></tr>${report.checks.map((c) => `<tr><td>${esc(c.id)}</td><td>${esc(c.severity)}</td><td>${esc(c.description)}</td><td>${esc(c.source)}</td></tr>`).join('')}</table></section>
<script>${script}</script></body></html>
`;
}
