// uri: HTTP from the target (like Ansible's), through curl on the target. Every option goes
// to curl as a config file on its stdin (`curl -K -`), so no password, token header or
// credential in the URL is ever on a command line a process listing shows.
import { STATUS_CODES } from 'node:http';
import { maskUrlCredentials } from '../../util/url-credentials.js';
import type { ModuleDef } from '../types.js';

const MARK = '\n__drover_http_status__:';

/** One line of a curl config file: `option = "value"` with curl's escapes, or a bare switch. */
function curlOption(name: string, value?: string): string {
  if (value === undefined) return name;
  const escaped = value.replace(/[\\"\t\n\r\v]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\v': '\\v' })[c]!);
  return `${name} = "${escaped}"`;
}

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
    follow_redirects: { type: 'str', default: 'safe', choices: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'] },
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
    const method = String(a.method).toUpperCase();
    // a POST with a body is curl's own POST, which a 301/302/303 turns into a GET as Ansible's redirect handler does (an explicit --request would be kept)
    const config = [curlOption('silent'), curlOption('show-error'), ...(method === 'POST' && body !== undefined ? [] : [curlOption('request', method)]), curlOption('max-time', String(a.timeout)), curlOption('write-out', `${MARK}%{http_code}`)];
    if (!a.validate_certs) config.push(curlOption('insecure'));
    if (a.ca_path) config.push(curlOption('cacert', String(a.ca_path)));
    // Ansible's default, safe, follows only GET and HEAD; any other request gets the 3xx answer itself
    const follow = String(a.follow_redirects);
    if (['all', 'yes', 'urllib2'].includes(follow) || (follow === 'safe' && (method === 'GET' || method === 'HEAD'))) config.push(curlOption('location'));
    for (const [k, v] of Object.entries(headers)) config.push(curlOption('header', `${k}: ${v}`));
    if (a.url_username) config.push(curlOption('user', `${a.url_username}:${a.url_password ?? ''}`));
    // as Ansible: without force_basic_auth the credentials go only in answer to the server's 401 challenge
    if (a.url_username && !a.force_basic_auth) config.push(curlOption('anyauth'));
    // data-raw: the body as given, a leading @ is not a file name
    if (body !== undefined) config.push(curlOption('data-raw', body));
    config.push(curlOption('url', String(a.url)));
    const r = await ctx.conn.exec(`command -v curl >/dev/null 2>&1 || { echo 'uri needs curl on the target' >&2; exit 127; }; curl -K -`, { stdin: `${config.join('\n')}\n`, become: ctx.become, signal: ctx.signal });
    const at = r.stdout.lastIndexOf(MARK);
    const url = maskUrlCredentials(String(a.url));
    if (r.rc !== 0 || at < 0) return { changed: false, failed: true, status: -1, url, msg: `Status code was -1 and not ${JSON.stringify(a.status_code)}: Request failed: ${maskUrlCredentials(r.stderr.trim())}` };
    const status = Number(r.stdout.slice(at + MARK.length).trim());
    const content = r.stdout.slice(0, at);
    const out: Record<string, unknown> = { changed: false, status, url, msg: `OK (${content.length} bytes)` };
    if (a.return_content) out.content = content;
    try {
      if (content.trim().startsWith('{') || content.trim().startsWith('[')) out.json = JSON.parse(content);
    } catch {
      /* not JSON */
    }
    const wanted = (a.status_code as unknown[]).map(Number);
    if (!wanted.includes(status)) {
      out.failed = true;
      // Python's HTTPError text; the standard reason phrase stands for the server's (curl does not report it)
      out.msg = `Status code was ${status} and not ${JSON.stringify(wanted)}: HTTP Error ${status}${STATUS_CODES[status] ? `: ${STATUS_CODES[status]}` : ''}`;
    }
    return out as never;
  },
};
