// uri: HTTP from the target (like Ansible's), through curl on the target.
import { quote } from '../../connections/shell-quote.js';
import type { ModuleDef } from '../types.js';

const MARK = '\n__drover_http_status__:';

/** Ansible's uri module. */
export const uriModule: ModuleDef = {
  name: 'uri',
  supportsCheck: false,
  args: {
    url: { type: 'str', required: true },
    method: { type: 'str', default: 'GET' },
    body: { type: 'raw' },
    body_format: { type: 'str', default: 'raw', choices: ['raw', 'json', 'form-urlencoded'] },
    headers: { type: 'dict', default: {} },
    status_code: { type: 'list', default: [200] },
    return_content: { type: 'bool', default: false },
    timeout: { type: 'int', default: 30 },
    validate_certs: { type: 'bool', default: true },
    url_username: { type: 'str', aliases: ['user'] },
    url_password: { type: 'str', aliases: ['password'], noLog: true },
    force_basic_auth: { type: 'bool', default: false },
    follow_redirects: { type: 'str', default: 'safe' },
    ca_path: { type: 'path' },
  },
  async run(ctx) {
    const a = ctx.args;
    let body: string | undefined;
    const headers: Record<string, string> = { ...(a.headers as Record<string, string>) };
    if (a.body !== undefined && a.body !== null) {
      if (a.body_format === 'json') {
        body = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
        headers['Content-Type'] ??= 'application/json';
      } else if (a.body_format === 'form-urlencoded' && typeof a.body === 'object') {
        body = new URLSearchParams(a.body as Record<string, string>).toString();
        headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
      } else body = String(a.body);
    }
    const parts = ['curl', '-sS', '-X', quote(String(a.method).toUpperCase()), '--max-time', String(a.timeout), '-w', quote(`${MARK}%{http_code}`)];
    if (!a.validate_certs) parts.push('-k');
    if (a.ca_path) parts.push('--cacert', quote(String(a.ca_path)));
    if (a.follow_redirects !== 'none' && a.follow_redirects !== 'no') parts.push('-L');
    for (const [k, v] of Object.entries(headers)) parts.push('-H', quote(`${k}: ${v}`));
    if (a.url_username) parts.push('-u', quote(`${a.url_username}:${a.url_password ?? ''}`));
    if (body !== undefined) parts.push('--data-binary', '@-');
    parts.push(quote(String(a.url)));
    const r = await ctx.conn.exec(`command -v curl >/dev/null 2>&1 || { echo 'uri needs curl on the target' >&2; exit 127; }; ${parts.join(' ')}`, { stdin: body, become: ctx.become, signal: ctx.signal });
    const at = r.stdout.lastIndexOf(MARK);
    if (r.rc !== 0 || at < 0) return { changed: false, failed: true, status: -1, url: a.url, msg: `Status code was -1 and not ${JSON.stringify(a.status_code)}: Request failed: ${r.stderr.trim()}` };
    const status = Number(r.stdout.slice(at + MARK.length).trim());
    const content = r.stdout.slice(0, at);
    const out: Record<string, unknown> = { changed: false, status, url: a.url, msg: `OK (${content.length} bytes)` };
    if (a.return_content) out.content = content;
    try {
      if (content.trim().startsWith('{') || content.trim().startsWith('[')) out.json = JSON.parse(content);
    } catch {
      /* not JSON */
    }
    const wanted = (a.status_code as unknown[]).map(Number);
    if (!wanted.includes(status)) {
      out.failed = true;
      out.msg = `Status code was ${status} and not ${JSON.stringify(wanted)}: HTTP Error ${status}`;
    }
    return out as never;
  },
};
