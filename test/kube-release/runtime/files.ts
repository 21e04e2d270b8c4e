// Loading the certificates, keys, CAs and kubeconfigs a binary's flags name, as the real
// binaries do at start-up: a missing or unparsable file fails start-up with one glog error
// line naming the flag and path, and exit 1 (what the real mains do with a Run() error).
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { FileKind, ParsedFlags } from './flags.js';
import { newLog } from './log.js';
import { readFileGoStyle, readKubeconfig, type ResolvedKubeconfig } from './kubeconfig.js';

const log = newLog('files.go');

/** A PEM certificate file (or bundle) with its parsed certificates. */
export interface LoadedCerts {
  path: string;
  pem: string;
  certs: X509Certificate[];
}

/** A PEM private key file with its parsed key (never logged). */
export interface LoadedKey {
  path: string;
  pem: string;
  key: KeyObject;
}

function pemBlocks(text: string, label: RegExp): string[] {
  const out: string[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) if (label.test(m[1]!)) out.push(m[0]);
  return out;
}

/** Parse PEM certificates; throws Go's crypto/tls text when there are none or one is bad. */
export function parseCerts(path: string, pem: string, what = 'certificate'): LoadedCerts {
  const blocks = pemBlocks(pem, /^CERTIFICATE$/);
  if (blocks.length === 0) throw new Error(`tls: failed to find any PEM data in ${what} input`);
  const certs = blocks.map((b) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new Error(`x509: failed to parse ${what}: ${(e as Error).message}`);
    }
  });
  return { path, pem, certs };
}

/** Parse a PEM private key; throws Go's crypto/tls text when it is missing or bad. */
export function parseKey(path: string, pem: string): LoadedKey {
  if (pemBlocks(pem, /PRIVATE KEY$/).length === 0) throw new Error('tls: failed to find any PEM data in key input');
  try {
    return { path, pem, key: createPrivateKey(pem) };
  } catch {
    throw new Error('tls: failed to parse private key');
  }
}

/** Read and check one file of a kind; throws an Error whose text says what is wrong. */
export function checkFile(kind: FileKind, path: string): LoadedCerts | LoadedKey | ResolvedKubeconfig | KeyObject | string {
  switch (kind) {
    case 'cert':
      return parseCerts(path, readFileGoStyle(path));
    case 'ca':
      try {
        return parseCerts(path, readFileGoStyle(path));
      } catch (e) {
        if ((e as Error).message.startsWith('open ')) throw e;
        throw new Error(`data does not contain any valid RSA or ECDSA certificates (${(e as Error).message})`);
      }
    case 'key':
      return parseKey(path, readFileGoStyle(path));
    case 'pubkey': {
      // service-account-key-file: a public key, a private key or a certificate
      const pem = readFileGoStyle(path);
      try {
        if (pemBlocks(pem, /^CERTIFICATE$/).length) return new X509Certificate(pemBlocks(pem, /^CERTIFICATE$/)[0]!).publicKey;
        if (pemBlocks(pem, /PRIVATE KEY$/).length) return createPublicKey(createPrivateKey(pem));
        return createPublicKey(pem);
      } catch {
        throw new Error('data does not contain a valid RSA or ECDSA key');
      }
    }
    case 'kubeconfig': {
      const kc = readKubeconfig(path);
      if (kc.ca) parseCerts(path, kc.ca, 'certificate-authority');
      if (kc.cert && kc.key) checkPair(parseCerts(path, kc.cert, 'client-certificate'), parseKey(path, kc.key));
      return kc;
    }
    case 'file':
      return readFileGoStyle(path);
  }
}

/** The certificate's public key must match the private key (tls.LoadX509KeyPair). */
export function checkPair(cert: LoadedCerts, key: LoadedKey): void {
  if (!cert.certs[0]!.checkPrivateKey(key.key)) throw new Error('tls: private key does not match public key');
}

/** Log the start-up failure for a file flag and exit 1. */
export function failFileFlag(flag: string, path: string, reason: string): never {
  log.error(`failed to load --${flag}=${path}: ${reason}`);
  process.exit(1);
}

function pathOf(flags: ParsedFlags, flag: string, required: boolean): string | undefined {
  const path = flags.string(flag);
  if (path) return path;
  if (required) {
    log.error(`--${flag} is required`);
    process.exit(1);
  }
  return undefined;
}

function loadOrExit<T>(flags: ParsedFlags, flag: string, kind: FileKind, required: boolean): T | undefined {
  const path = pathOf(flags, flag, required);
  if (path === undefined) return undefined;
  try {
    return checkFile(kind, path) as T;
  } catch (e) {
    return failFileFlag(flag, path, (e as Error).message);
  }
}

/** The certificate(s) a flag names; undefined when the flag is empty and not required; exits 1 when unusable. */
export function certFromFlag(flags: ParsedFlags, flag: string, { required = false } = {}): LoadedCerts | undefined {
  return loadOrExit<LoadedCerts>(flags, flag, 'cert', required);
}

/** A CA bundle a flag names (e.g. --client-ca-file); exits 1 when unusable. */
export function caFromFlag(flags: ParsedFlags, flag: string, { required = false } = {}): LoadedCerts | undefined {
  return loadOrExit<LoadedCerts>(flags, flag, 'ca', required);
}

/** The private key a flag names; exits 1 when unusable. */
export function keyFromFlag(flags: ParsedFlags, flag: string, { required = false } = {}): LoadedKey | undefined {
  return loadOrExit<LoadedKey>(flags, flag, 'key', required);
}

/** A public key from a key/cert file a flag names (e.g. --service-account-key-file); exits 1 when unusable. */
export function publicKeyFromFlag(flags: ParsedFlags, flag: string, { required = false } = {}): KeyObject | undefined {
  return loadOrExit<KeyObject>(flags, flag, 'pubkey', required);
}

/** The kubeconfig a flag names, with its CA/client cert/key read and checked; exits 1 when unusable. */
export function kubeconfigFromFlag(flags: ParsedFlags, flag = 'kubeconfig', { required = false } = {}): ResolvedKubeconfig | undefined {
  return loadOrExit<ResolvedKubeconfig>(flags, flag, 'kubeconfig', required);
}

/** A cert flag and its key flag together, checked to match (tls.LoadX509KeyPair); exits 1 when unusable. */
export function keyPairFromFlags(flags: ParsedFlags, certFlag: string, keyFlag: string, { required = false } = {}): { cert: LoadedCerts; key: LoadedKey } | undefined {
  const cert = certFromFlag(flags, certFlag, { required });
  const key = keyFromFlag(flags, keyFlag, { required: required || cert !== undefined });
  if (!cert || !key) {
    if (key) failFileFlag(certFlag, '', `--${certFlag} must be given with --${keyFlag}`);
    return undefined;
  }
  try {
    checkPair(cert, key);
  } catch (e) {
    failFileFlag(keyFlag, key.path, `${(e as Error).message} (--${certFlag}=${cert.path})`);
  }
  return { cert, key };
}

/**
 * Start-up check of every file flag in the table that was given on the command line (plus
 * `alsoCheck`, checked at their defaults): each must exist and parse, and a certificate must
 * match its key flag. Exits 1 with a line naming the first bad flag and path.
 */
export function preflightFiles(flags: ParsedFlags, alsoCheck: readonly string[] = []): void {
  for (const spec of flags.table) {
    if (!spec.file || spec.aliasOf) continue;
    if (!flags.isSet(spec.name) && !alsoCheck.includes(spec.name)) continue;
    const path = flags.string(spec.name);
    if (!path) continue;
    try {
      checkFile(spec.file, path);
    } catch (e) {
      failFileFlag(spec.name, path, (e as Error).message);
    }
  }
  for (const spec of flags.table) {
    if (!spec.keyFlag || !flags.has(spec.keyFlag)) continue;
    const certSet = flags.isSet(spec.name) || alsoCheck.includes(spec.name);
    const keySet = flags.isSet(spec.keyFlag) || alsoCheck.includes(spec.keyFlag);
    if (certSet && keySet && flags.string(spec.name) && flags.string(spec.keyFlag)) keyPairFromFlags(flags, spec.name, spec.keyFlag);
  }
}
