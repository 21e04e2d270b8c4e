// One way Drover sends a notification e-mail (etcd backups, inspections): nodemailer over the
// SMTP URL the user gave; credentials in the URL are used, never shown in an error.
import { maskUrlCredentials, splitUrlCredentials } from './url-credentials.js';

/** Where a notification is e-mailed. */
export interface MailSettings {
  /** smtp://user:pass@host:port or smtps://... */
  url: string;
  from: string;
  to: string[];
}

/** An error message with the URL's credentials hidden (libraries quote the URL they were given). */
export function messageWithoutCredentials(err: unknown, url: string): string {
  const { password } = splitUrlCredentials(url);
  // fetch says only "fetch failed"; the reason (ECONNREFUSED...) is its cause
  const cause = (err as { cause?: Error }).cause?.message;
  let text = maskUrlCredentials(`${(err as Error).message ?? String(err)}${cause ? `: ${cause}` : ''}`);
  if (password) for (const form of [password, encodeURIComponent(password)]) text = text.split(form).join('********');
  return text;
}

/** Send a plain-text mail; never throws: the result says whether it went. */
export async function sendMail(m: MailSettings, subject: string, text: string): Promise<{ ok: boolean; error?: string }> {
  try {
    const { createTransport } = await import('nodemailer');
    const transport = createTransport(m.url);
    await transport.sendMail({ from: m.from, to: m.to, subject, text });
    transport.close();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: `mail failed: ${messageWithoutCredentials(err, m.url)}` };
  }
}
