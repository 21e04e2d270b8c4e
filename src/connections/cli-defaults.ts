// Names of the variables that carry command-line and config-file connection settings (-u,
// --private-key, -T, -k, -b, --become-user, --become-method, -K; drover.yml/ansible.cfg).
// They sit under every other variable and each reader consults them last, after all the
// Ansible names, so inventory `ansible_user` beats `-u` and `-e` beats both, as in Ansible.
// A play, block or task `remote_user:`/`port:` takes the place of -u/the config file's port
// for its connection (executor/connection-vars.ts), as Ansible ranks keywords.
export const CLI_VAR = {
  user: 'drover_cli_user',
  port: 'drover_cli_port',
  keyFile: 'drover_cli_private_key_file',
  password: 'drover_cli_password',
  connectTimeout: 'drover_cli_timeout',
  hostKeyPolicy: 'drover_cli_host_key_policy',
  become: 'drover_cli_become',
  becomeUser: 'drover_cli_become_user',
  becomeMethod: 'drover_cli_become_method',
  becomePassword: 'drover_cli_become_password',
} as const;
