// Telling people what the guard did: the JSON body POSTed to --webhook (as the etcd backup's
// notifier does) and a short e-mail to --mail-to over --smtp, for both `stopped` and `started`.
import { postWebhook } from '../../etcd/backup-notify.js';
import { sendMail, type MailSettings } from '../../util/send-mail.js';

/** Where the guard's notifications go (either, both or none). */
export interface GuardTargets {
  webhook?: string;
  mail?: MailSettings;
}

/** One guard notification. */
export interface GuardNotice {
  type: 'cluster_guard';
  cluster: string;
  action: 'stopped' | 'started';
  message: string;
  apiservers: { subject: string; ok: boolean; what: string }[];
  at: string;
}

/** Send the notice to every configured target; one log line per target says whether it went. */
export async function notifyGuard(to: GuardTargets, notice: GuardNotice, log: (line: string) => void): Promise<void> {
  const sends: Promise<void>[] = [];
  if (to.webhook) {
    const url = to.webhook;
    sends.push(postWebhook(url, notice).then((r) => log(`guard: webhook ${r.ok ? 'sent' : `NOT sent: ${r.error}`}`)));
  }
  if (to.mail) {
    const subject = `[drover] cluster guard ${notice.action} controller-manager and scheduler: ${notice.cluster}`;
    const text = `${notice.message}\n\napiservers:\n${notice.apiservers.map((a) => `  ${a.subject}: ${a.what}`).join('\n')}\nat: ${notice.at}\n`;
    sends.push(sendMail(to.mail, subject, text).then((r) => log(`guard: mail ${r.ok ? `sent to ${to.mail!.to.join(', ')}` : `NOT sent: ${r.error}`}`)));
  }
  await Promise.all(sends);
}
