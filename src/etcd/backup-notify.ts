// Telling people how a backup went: the same JSON outcome POSTed to a webhook and a short
// e-mail, for every outcome (stored, failed, locked, invalid input), never showing a password.
import { messageWithoutCredentials, sendMail as sendText, type MailSettings } from '../util/send-mail.js';
import { splitUrlCredentials } from '../util/url-credentials.js';

export type { MailSettings } from '../util/send-mail.js';

/** The fields of a backup outcome the notifications read. */
export interface NotifiedOutcome {
  status: 'ok' | 'failed' | 'locked' | 'invalid';
  cluster: string;
  file?: string;
  meta?: { member: string; revision: number; keys?: number; totalKey: number; sizeBytes: number; sha256: string };
  deleted: string[];
  error?: string;
  durationMs: number;
}

/** POST the outcome; credentials in the URL (https://user:pass@host/) go as a Basic Authorization header. */
export async function postWebhook(raw: string, body: unknown): Promise<{ ok: boolean; error?: string }> {
  try {
    const { url, username, password } = splitUrlCredentials(raw);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (username !== undefined) headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    return res.ok ? { ok: true } : { ok: false, error: `webhook answered HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: `webhook failed: ${messageWithoutCredentials(err, raw)}` };
  }
}

/** E-mail the outcome; the subject says ok, FAILED, LOCKED or INVALID. */
export async function sendMail(m: MailSettings, outcome: NotifiedOutcome): Promise<{ ok: boolean; error?: string }> {
  const word = { ok: 'ok', failed: 'FAILED', locked: 'LOCKED', invalid: 'INVALID' }[outcome.status];
  const lines = outcome.status === 'ok'
    ? [`file: ${outcome.file}`, `member: ${outcome.meta?.member}`, `revision: ${outcome.meta?.revision}`, `keys: ${outcome.meta?.keys ?? outcome.meta?.totalKey}`, `bytes: ${outcome.meta?.sizeBytes}`, `sha256: ${outcome.meta?.sha256}`, `deleted by retention: ${outcome.deleted.length}`]
    : [`error: ${outcome.error}`];
  return sendText(m, `[drover] etcd backup ${word}: ${outcome.cluster}`, `${lines.join('\n')}\nduration: ${outcome.durationMs} ms\n`);
}

/** Send both notifications that are configured; returns their results to put in the log line. */
export async function notifyOutcome(outcome: NotifiedOutcome, to: { webhook?: string; mail?: MailSettings }): Promise<{ notification?: { ok: boolean; error?: string }; mail?: { ok: boolean; error?: string } }> {
  const out: { notification?: { ok: boolean; error?: string }; mail?: { ok: boolean; error?: string } } = {};
  if (to.webhook) out.notification = await postWebhook(to.webhook, { event: 'etcd-backup', ...outcome });
  if (to.mail) out.mail = await sendMail(to.mail, outcome);
  return out;
}
