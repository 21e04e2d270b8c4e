// Names the settings a connection is made with (address, port, user, key...), so the pool can
// give a task whose connection variables differ from the host's a connection of its own.
import { createHash } from 'node:crypto';

/**
 * A digest of the options `read` returns (or of the error it throws: invalid settings get a
 * connection that reports it). Hashed so a password among them is never a map key in clear.
 */
export function settingsKey(read: () => unknown): string {
  let text: string;
  try {
    text = JSON.stringify(read()) ?? '';
  } catch (err) {
    text = `invalid: ${(err as Error).message}`;
  }
  return createHash('sha256').update(text).digest('hex');
}
