// Wraps a command line for privilege escalation, shared by every transport so sudo/su
// behave the same over local, ssh and pod exec.
import type { BecomeOptions } from './types.js';
import { quote } from './shell-quote.js';

/** Marker sudo prints as its prompt, so a password can be detected and fed on stdin. */
export const SUDO_PROMPT = '[drover-sudo-prompt]';

/**
 * Returns the command line to run instead of `command` and the bytes to prepend to stdin
 * (the password, when one is given; sudo -S reads it from stdin before the command does).
 */
export function wrapBecome(command: string, become: BecomeOptions | undefined): { command: string; stdinPrefix: string } {
  if (!become) return { command, stdinPrefix: '' };
  const inner = `sh -c ${quote(command)}`;
  if (become.method === 'su') {
    // never collapse whitespace in the quoted command: a multi-line script must keep its newlines
    return { command: `su ${become.flags ? `${become.flags} ` : ''}${quote(become.user)} -c ${quote(inner)}`, stdinPrefix: become.password ? `${become.password}\n` : '' };
  }
  const flags = become.flags ?? '-H';
  if (become.password) {
    return { command: `sudo ${flags} -S -p ${quote(SUDO_PROMPT)} -u ${quote(become.user)} ${inner}`, stdinPrefix: `${become.password}\n` };
  }
  return { command: `sudo ${flags} -n -u ${quote(become.user)} ${inner}`, stdinPrefix: '' };
}

/** Removes sudo's prompt marker from stderr. */
export function stripSudoPrompt(stderr: string): string {
  return stderr.split(SUDO_PROMPT).join('');
}
