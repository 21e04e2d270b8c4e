// A minimal SMTP server for tests: accepts every message (no auth, no TLS) and keeps what it
// got, so a test can read the subject and body a notification e-mail really carried.
import { createServer, type Server } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
}

export interface SmtpSink {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** Start the sink on host (a loopback address) and a free port. */
export async function startSmtpSink(host: string): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server: Server = createServer((sock) => {
    let buf = '';
    let inData = false;
    let cur: ReceivedMail = { from: '', to: [], data: '' };
    const say = (line: string): void => void sock.write(`${line}\r\n`);
    say('220 sink ESMTP');
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(cur);
            cur = { from: '', to: [], data: '' };
            say('250 queued');
          } else cur.data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') say('250 sink');
        else if (verb === 'MAIL') {
          cur.from = line.slice(10).trim();
          say('250 ok');
        } else if (verb === 'RCPT') {
          cur.to.push(line.slice(8).trim());
          say('250 ok');
        } else if (verb === 'DATA') {
          inData = true;
          say('354 go on');
        } else if (verb === 'QUIT') {
          say('221 bye');
          sock.end();
        }
        else say('250 ok');
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { port: (server.address() as { port: number }).port, mails, close: () => new Promise((r) => server.close(() => r())) };
}
