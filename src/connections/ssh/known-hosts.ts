// OpenSSH known_hosts: plain and hashed (|1|salt|hash) entries, [host]:port, several key types.
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** OpenSSH's fingerprint of a key blob: SHA256:base64-without-padding. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The name a host has in known_hosts: host, or [host]:port when the port is not 22. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function nameMatches(field: string, name: string): boolean {
  for (const pat of field.split(',')) {
    if (pat.startsWith('|1|')) {
      const [, , salt, hash] = pat.split('|');
      const h = createHmac('sha1', Buffer.from(salt!, 'base64')).update(name).digest('base64');
      if (h === hash) return true;
    } else if (pat === name) return true;
    else if (pat.includes('*') || pat.includes('?')) {
      const re = new RegExp(`^${pat.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      if (re.test(name)) return true;
    }
  }
  return false;
}

export type HostKeyVerdict = { kind: 'match' } | { kind: 'unknown' } | { kind: 'mismatch'; file: string; line: number };

/** Look the offered key up in the files: match, unknown host, or a different key on record. */
export function checkHostKey(files: string[], name: string, key: Buffer): HostKeyVerdict {
  let mismatch: HostKeyVerdict | undefined;
  const b64 = key.toString('base64');
  for (const file of files) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line || line.startsWith('#')) continue;
      const parts = line.split(/\s+/);
      const marker = parts[0]!.startsWith('@') ? parts.shift() : undefined;
      const [hosts, type, blob] = parts;
      if (!hosts || !type || !blob || !nameMatches(hosts, name)) continue;
      if (marker === '@revoked' && blob === b64) return { kind: 'mismatch', file, line: i + 1 };
      // a key of another type does not contradict this one (hosts have several keys)
      const offeredType = key.readUInt32BE(0) <= key.length ? key.subarray(4, 4 + key.readUInt32BE(0)).toString() : '';
      if (blob === b64) return { kind: 'match' };
      if (type === offeredType) mismatch ??= { kind: 'mismatch', file, line: i + 1 };
    }
  }
  return mismatch ?? { kind: 'unknown' };
}

/** Record a newly accepted key (accept-new). */
export function rememberHostKey(file: string, name: string, key: Buffer): void {
  const type = key.subarray(4, 4 + key.readUInt32BE(0)).toString();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // one append of one line is atomic enough for known_hosts, as OpenSSH itself does
  appendFileSync(file, `${name} ${type} ${key.toString('base64')}\n`, { mode: 0o600 });
}
