// The wire format of one command in a pod that needs neither stdin's EOF nor a structured
// status frame, so it works on every exec protocol (v5, v4, channel.k8s.io): stdin is read
// by `head -c N` (exactly the bytes sent, whatever the client can or cannot close), and the
// command's exit code comes back as a nonce-marked trailer on stderr. A command whose shell
// dies before the trailer (its pod deleted, its container killed) never reports one.
import { randomBytes } from 'node:crypto';
import { quote } from '../shell-quote.js';

/** A fresh marker for one exec (a command cannot forge it by accident). */
export function newNonce(): string {
  return randomBytes(6).toString('hex');
}

/** The script the pod runs: `script` fed exactly `stdinLength` bytes, then the rc trailer. */
export function framedScript(script: string, stdinLength: number | undefined, nonce: string): string {
  const feed = stdinLength === undefined ? '' : `head -c ${stdinLength} | `;
  return `${feed}/bin/sh -c ${quote(script)}; r=$?; printf '\\n[drover-rc-${nonce}:%d]\\n' "$r" >&2; exit "$r"`;
}

/** The rc from the trailer and stderr without it; undefined when the trailer never came. */
export function takeExitTrailer(stderr: Buffer, nonce: string): { rc: number; stderr: Buffer } | undefined {
  const mark = Buffer.from(`\n[drover-rc-${nonce}:`);
  const at = stderr.lastIndexOf(mark);
  if (at < 0) return undefined;
  const end = stderr.indexOf(']\n', at + mark.length);
  if (end < 0) return undefined;
  const rc = Number(stderr.subarray(at + mark.length, end).toString('latin1'));
  if (!Number.isInteger(rc)) return undefined;
  // anything a background process wrote after the trailer stays
  return { rc, stderr: Buffer.concat([stderr.subarray(0, at), stderr.subarray(end + 2)]) };
}
