// uri sends credentials (url_password, a user:pass@ URL, an Authorization header) without
// ever putting them on a command line: a server that needs them reads every process's
// command line while the request is in flight. Nor do they reach any output. Locally and
// over ssh with become (sudo), where curl's config passes through sudo's stdin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { assertNoSecrets, everyOutput } from './every-output.js';

const PASSWORD = 'URI-PW-from-env-lookup';
const URL_PASSWORD = 'URI-PW-in-the-url';
const TOKEN = 'URI-TOKEN-in-a-header';
const REFUSED_PASSWORD = 'URI-PW-refused-url';
const SECRETS = [PASSWORD, URL_PASSWORD, TOKEN, REFUSED_PASSWORD];

let fleet: Fleet;

before(async () => {
  fleet = await startFleet({ hosts: 1, name: 'secrets-uri', subnet: 22 });
});

after(async () => {
  await fleet?.stop();
});

/** Command lines of every process that show one of the secrets. */
function leakingCommandLines(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (SECRETS.some((s) => cmd.includes(s))) out.push(`${pid}: ${cmd}`);
  }
  return out;
}

test('uri: credentials reach the server, never a process command line or any output', async () => {
  const leaks: string[] = [];
  const authorized: string[] = [];
  const basic = (user: string, pw: string): string => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
  const bodies: Record<string, string[]> = {};
  const server = createServer(async (req, res) => {
    // curl is waiting for this answer right now: its command line (and its shell's) can be read
    leaks.push(...leakingCommandLines());
    if (req.url?.endsWith('-body')) {
      let body = '';
      for await (const chunk of req) body += chunk;
      (bodies[req.url] ??= []).push(body);
      res.end('{}');
      return;
    }
    const auth = req.headers.authorization ?? '';
    const ok = auth === basic('apiuser', PASSWORD) || auth === basic('urluser', URL_PASSWORD) || auth === `Bearer ${TOKEN}`;
    if (ok) authorized.push(req.url ?? '');
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'secrets-uri-'));
  try {
    const inv = join(dir, 'inv.yml');
    const h = fleet.hosts[0]!;
    writeFileSync(inv, `all:\n  hosts:\n    local1: {ansible_connection: local}\n    deploy1: {ansible_host: ${h.ip}, ansible_user: deploy, ansible_become: true, ansible_ssh_private_key_file: ${fleet.keyPath}, drover_ssh_known_hosts: ${fleet.knownHostsPath}}\n`);
    const pb = join(dir, 'site.yml');
    writeFileSync(
      pb,
      `- hosts: all
  gather_facts: false
  vars:
    api_password: "{{ lookup('env', 'SECRETS_URI_PASSWORD') }}"
  tasks:
    - uri:
        url: http://127.0.0.1:${port}/password
        url_username: apiuser
        url_password: "{{ api_password }}"
        force_basic_auth: true
        return_content: true
    - uri:
        url: http://urluser:${URL_PASSWORD}@127.0.0.1:${port}/in-url
    - uri:
        url: http://127.0.0.1:${port}/header
        headers:
          Authorization: "Bearer {{ lookup('env', 'SECRETS_URI_TOKEN') }}"
    - name: a JSON body with quotes, backslashes and newlines arrives as sent
      uri:
        url: http://127.0.0.1:${port}/json-body
        method: POST
        body_format: json
        body: {text: "line1\\nline2 \\"quoted\\" back\\\\slash"}
    - name: a raw body starting with @ is data, not a file name
      uri:
        url: http://127.0.0.1:${port}/raw-body
        method: PUT
        body: "@not-a-file"
    - name: a refused connection reports the URL without its password
      uri:
        url: http://urluser:${REFUSED_PASSWORD}@127.0.0.1:1/refused
      ignore_errors: true
`,
    );
    const modes = await everyOutput(['play', pb, '-i', inv], { cwd: dir, env: { SECRETS_URI_PASSWORD: PASSWORD, SECRETS_URI_TOKEN: TOKEN } });
    for (const { name, res } of modes) assert.equal(res.code, 0, `${name}:\n${res.stdout}\n${res.stderr}`);
    // five runs on two hosts, three authorized requests each
    assert.deepEqual(authorized.slice(0, 6).sort(), ['/header', '/header', '/in-url', '/in-url', '/password', '/password']);
    assert.equal(authorized.length, 30);
    assert.deepEqual(leaks, [], 'no command line shows a credential');
    // the body goes in curl's config too, and arrives byte for byte
    assert.equal(bodies['/json-body']!.length, 10);
    assert.deepEqual(JSON.parse(bodies['/json-body']![0]!), { text: 'line1\nline2 "quoted" back\\slash' });
    assert.deepEqual([...new Set(bodies['/raw-body'])], ['@not-a-file']);
    const verbose = modes.find((m) => m.name === '-v')!.res.stdout;
    assert.match(verbose, /"url": "http:\/\/urluser:\*\*\*\*\*\*\*\*@127\.0\.0\.1:1\/refused"/);
    assertNoSecrets(modes, SECRETS);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
