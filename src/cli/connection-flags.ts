// Ansible's connection and privilege-escalation flags (-u, --private-key, -k, -T, -b,
// --become-user, --become-method, -K) for play and run, and the variables they become.
// Flags beat the environment and the config file; all of them sit under every variable,
// so inventory `ansible_user` beats `-u` and `-e` beats everything, as in Ansible.
import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { CLI_VAR } from '../connections/cli-defaults.js';
import { InputError } from './errors.js';
import { configSetting, type ProjectConfig } from './project-config.js';
import { closeAnswers, readAnswer } from './terminal-input.js';

const CONNECTION = 'CONNECTION';
const BECOME = 'PRIVILEGE ESCALATION';

/** The flags, shared by `drover play` and `drover run`. */
export const connectionFlags = {
  user: Flags.string({ char: 'u', description: 'connect as this user (inventory ansible_user wins, as in Ansible)', helpGroup: CONNECTION }),
  'private-key': Flags.string({ description: 'ssh private key file (inventory ansible_ssh_private_key_file wins)', helpGroup: CONNECTION }),
  'ask-pass': Flags.boolean({ char: 'k', description: 'ask for the ssh password (read from stdin when it is not a terminal)', helpGroup: CONNECTION }),
  timeout: Flags.integer({ char: 'T', description: 'connect timeout in seconds for ssh and pod exec [default: 10]', min: 1, helpGroup: CONNECTION }),
  become: Flags.boolean({ char: 'b', description: 'run tasks with become (sudo); a become: keyword or ansible_become var wins', helpGroup: BECOME }),
  'become-user': Flags.string({ description: 'user to become [default: root]', helpGroup: BECOME }),
  'become-method': Flags.string({ description: 'how to become: sudo or su [default: sudo]', helpGroup: BECOME }),
  'ask-become-pass': Flags.boolean({ char: 'K', description: 'ask for the become password (read from stdin when it is not a terminal)', helpGroup: BECOME }),
};

export interface ConnectionFlagValues {
  user?: string;
  'private-key'?: string;
  'ask-pass'?: boolean;
  timeout?: number;
  become?: boolean;
  'become-user'?: string;
  'become-method'?: string;
  'ask-become-pass'?: boolean;
}

/** The variables for the run's lowest layer, and the passwords typed (to be masked in all output). */
export async function connectionDefaults(flags: ConnectionFlagValues, config: ProjectConfig): Promise<{ vars: Record<string, unknown>; secrets: string[] }> {
  const vars: Record<string, unknown> = {};
  const set = (name: string, value: unknown): void => {
    if (value !== undefined) vars[name] = value;
  };
  set(CLI_VAR.user, flags.user ?? configSetting(config, 'remote_user'));
  // Ansible has no port flag: the config file's remote_port is the default, under the port: keyword
  set(CLI_VAR.port, configSetting(config, 'remote_port'));
  set(CLI_VAR.keyFile, flags['private-key'] !== undefined ? resolve(flags['private-key']) : configSetting(config, 'private_key_file'));
  set(CLI_VAR.connectTimeout, flags.timeout ?? configSetting(config, 'timeout'));
  // host_key_checking = False is Ansible's way to accept any host key
  if (configSetting(config, 'host_key_checking') === false) set(CLI_VAR.hostKeyPolicy, 'off');
  set(CLI_VAR.become, flags.become ? true : configSetting(config, 'become'));
  set(CLI_VAR.becomeUser, flags['become-user'] ?? configSetting(config, 'become_user'));
  const method = flags['become-method'] ?? configSetting(config, 'become_method');
  if (method !== undefined && method !== 'sudo' && method !== 'su') {
    throw new InputError(`become method '${String(method)}' is not supported (sudo, su)`, { field: 'become-method', ...(flags['become-method'] === undefined && config.file ? { file: config.file } : {}) });
  }
  set(CLI_VAR.becomeMethod, method);

  // Ansible asks for the ssh password first, then the become one (which defaults to it)
  const secrets: string[] = [];
  try {
    if (flags['ask-pass']) {
      const pw = await readAnswer('SSH password: ', { silent: true, what: 'the -k password' });
      set(CLI_VAR.password, pw);
      secrets.push(pw);
    }
    if (flags['ask-become-pass']) {
      const ssh = vars[CLI_VAR.password] as string | undefined;
      const typed = await readAnswer(ssh !== undefined ? 'BECOME password[defaults to SSH password]: ' : 'BECOME password: ', { silent: true, what: 'the -K password' });
      const pw = typed === '' && ssh !== undefined ? ssh : typed;
      set(CLI_VAR.becomePassword, pw);
      secrets.push(pw);
    }
  } finally {
    if (flags['ask-pass'] || flags['ask-become-pass']) closeAnswers();
  }
  return { vars, secrets: secrets.filter(Boolean) };
}
