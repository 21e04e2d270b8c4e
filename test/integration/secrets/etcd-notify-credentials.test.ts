// drover etcd backup's notifications: credentials written into the webhook URL and the SMTP
// URL are used (Basic auth for the webhook) and never printed, whether the notification
// succeeds or fails, in the plain line or --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover } from '../../helpers/cli.js';

const HOOK_PASSWORD = 'HOOK-PW-webhook-url';
const REFUSED_HOOK_PASSWORD = 'HOOK-PW-refused-url';
const SMTP_PASSWORD = 'SMTP-PW-mail-url';

test('etcd backup: webhook and SMTP URL credentials are sent, never shown', async () => {
  const received: { auth?: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ auth: req.headers.authorization, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'secrets-etcd-notify-'));
  try {
    // a member nothing answers for: the backup fails fast, and the failure is notified
    const inv = join(dir, 'inv.yml');
    writeFileSync(inv, 'etcd:\n  hosts:\n    member1:\n      ansible_connection: local\n      etcd_endpoint: https://127.0.0.1:1\n');
    const args = (extra: string[]): string[] => ['etcd', 'backup', '-i', inv, '--dir', join(dir, 'store'), ...extra];
    const notify = ['--mail-to', 'ops@example.test', '--smtp', `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:1`];
    const hook = `http://hookuser:${HOOK_PASSWORD}@127.0.0.1:${port}/hook`;
    const refused = `http://hookuser:${REFUSED_HOOK_PASSWORD}@127.0.0.1:1/hook`;
    const runs = [
      await drover(args(['--webhook', hook, ...notify])),
      await drover(args(['--webhook', hook, ...notify, '--json'])),
      await drover(args(['--webhook', refused, ...notify])),
      await drover(args(['--webhook', refused, ...notify, '--json'])),
    ];
    for (const r of runs) assert.equal(r.code, 2, r.stdout + r.stderr);
    // the webhook got the outcome with the URL's credentials as Basic auth
    assert.equal(received.length, 2);
    for (const r of received) {
      assert.equal(r.auth, `Basic ${Buffer.from(`hookuser:${HOOK_PASSWORD}`).toString('base64')}`);
      assert.equal(JSON.parse(r.body).status, 'failed');
    }
    const json = JSON.parse(runs[3]!.stdout.trim());
    assert.equal(json.notification.ok, false);
    assert.match(json.notification.error, /webhook failed/);
    assert.equal(json.mail.ok, false);
    for (const r of runs) {
      const all = r.stdout + r.stderr;
      for (const s of [HOOK_PASSWORD, REFUSED_HOOK_PASSWORD, SMTP_PASSWORD]) assert.ok(!all.includes(s), `${s} leaked:\n${all}`);
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
