// The host variables the ssh connection reads, declared once (name, type, default, meaning):
// the README's table repeats this list.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CLI_VAR } from '../cli-defaults.js';
import { firstSet, type HostSetting } from '../host-settings.js';
import type { HostVars } from '../types.js';

export type SshSetting = HostSetting;

// Names in lookup order, first set wins. Where Ansible has two names for a setting the later one
// in its plugin wins there (ansible_ssh_port over ansible_port), so that one comes first here.
export const SSH_SETTINGS: Record<string, SshSetting> = {
  host: { names: ['ansible_ssh_host', 'ansible_host', 'drover_ssh_host'], type: 'str', description: 'address to connect to (default: the inventory name)' },
  port: { names: ['ansible_ssh_port', 'ansible_port', 'drover_ssh_port'], type: 'int', default: 22, description: 'TCP port' },
  user: { names: ['ansible_ssh_user', 'ansible_user', 'drover_ssh_user'], type: 'str', description: 'login user (default: the local user)' },
  keyFile: { names: ['ansible_ssh_private_key_file', 'ansible_private_key_file', 'drover_ssh_key_file'], type: 'str', description: 'private key file (OpenSSH or PEM)' },
  passphrase: { names: ['drover_ssh_key_passphrase', 'ansible_ssh_private_key_passphrase'], type: 'str', description: 'passphrase of the key file' },
  password: { names: ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'drover_ssh_password'], type: 'str', description: 'login password' },
  knownHosts: { names: ['drover_ssh_known_hosts'], type: 'str', description: 'extra known_hosts file (also UserKnownHostsFile= in ansible_ssh_common_args)' },
  hostKeyPolicy: { names: ['drover_ssh_host_key_policy'], type: 'str', default: 'strict', description: 'strict (default): unknown or changed keys are refused; accept-new: unknown keys are recorded, changed ones refused; off' },
  jump: { names: ['drover_ssh_jump'], type: 'str', description: 'jump hosts, `user@host:port,user@host2` (also ProxyJump=/-J in ansible_ssh_common_args)' },
  connectTimeout: { names: ['drover_ssh_connect_timeout', 'ansible_ssh_timeout', 'ansible_timeout'], type: 'int', default: 10, description: 'seconds to wait for the connection' },
  keepalive: { names: ['drover_ssh_keepalive'], type: 'int', default: 15, description: 'seconds between keepalives (0: off)' },
  retries: { names: ['drover_ssh_retries', 'ansible_ssh_retries'], type: 'int', default: 2, description: 'connect retries, with backoff' },
  maxChannels: { names: ['drover_ssh_max_channels'], type: 'int', default: 8, description: 'concurrent channels on the one connection (sshd MaxSessions is 10 by default)' },
  commonArgs: { names: ['ansible_ssh_common_args', 'ansible_ssh_extra_args'], type: 'str', description: 'OpenSSH options; StrictHostKeyChecking, UserKnownHostsFile and ProxyJump are honoured' },
};

export interface SshOptions {
  host: string;
  port: number;
  user: string;
  keyFile?: string;
  passphrase?: string;
  password?: string;
  knownHosts: string[];
  hostKeyPolicy: 'strict' | 'accept-new' | 'off';
  jump: { user: string; host: string; port: number }[];
  connectTimeout: number;
  keepalive: number;
  retries: number;
  maxChannels: number;
}

/** Parse `user@host:port` jump specs. */
export function parseJump(spec: string, defaultUser: string): SshOptions['jump'] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(s);
      if (!m) throw new Error(`invalid jump host '${s}'`);
      return { user: m[1] ?? defaultUser, host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22 };
    });
}

/** Read the settings for one host from its variables. */
export function sshOptions(inventoryName: string, vars: HostVars): SshOptions {
  // the host's own variables first, then the command line / config file, then the default
  const get = (k: string): unknown => {
    const cli = CLI_VAR[k as keyof typeof CLI_VAR];
    return firstSet(vars, SSH_SETTINGS[k]!.names) ?? (cli ? firstSet(vars, [cli]) : undefined) ?? SSH_SETTINGS[k]!.default;
  };
  const user = String(get('user') ?? process.env.USER ?? 'root');
  const common = String(get('commonArgs') ?? '');
  const opt = (name: string): string | undefined => {
    const m = new RegExp(`-o\\s*${name}[= ]\\s*([^\\s'"]+)`, 'i').exec(common);
    return m?.[1];
  };
  const known = [join(homedir(), '.ssh', 'known_hosts')];
  const extra = get('knownHosts') ?? opt('UserKnownHostsFile');
  if (extra && extra !== '/dev/null') known.unshift(String(extra));
  let policy = String(get('hostKeyPolicy')) as SshOptions['hostKeyPolicy'];
  const strict = opt('StrictHostKeyChecking');
  if (firstSet(vars, SSH_SETTINGS.hostKeyPolicy!.names) === undefined && strict) {
    policy = /^(no|off)$/i.test(strict) ? 'off' : /^accept-new$/i.test(strict) ? 'accept-new' : 'strict';
  }
  if (opt('UserKnownHostsFile') === '/dev/null' && policy === 'strict' && strict && /^no$/i.test(strict)) policy = 'off';
  if (!['strict', 'accept-new', 'off'].includes(policy)) throw new Error(`drover_ssh_host_key_policy must be strict, accept-new or off, got '${policy}'`);
  const jumpSpec = get('jump') ?? opt('ProxyJump') ?? /-J\s+(\S+)/.exec(common)?.[1];
  const port = Number(get('port'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`the ssh port must be a TCP port number (1-65535), got '${String(get('port'))}'`);
  return {
    host: String(get('host') ?? inventoryName),
    port,
    user,
    keyFile: get('keyFile') !== undefined ? String(get('keyFile')).replace(/^~(?=\/)/, homedir()) : undefined,
    passphrase: get('passphrase') !== undefined ? String(get('passphrase')) : undefined,
    password: get('password') !== undefined ? String(get('password')) : undefined,
    knownHosts: known,
    hostKeyPolicy: policy,
    jump: jumpSpec ? parseJump(String(jumpSpec), user) : [],
    connectTimeout: Number(get('connectTimeout')),
    keepalive: Number(get('keepalive')),
    retries: Number(get('retries')),
    maxChannels: Math.max(1, Number(get('maxChannels'))),
  };
}
