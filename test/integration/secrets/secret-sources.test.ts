// A distinct secret in every place a variable can come from, printed by tasks in every way a
// task can print (debug, -v results, command output, failure messages, task names, CLI errors),
// and every output mode grepped for it: none may appear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover } from '../../helpers/cli.js';
import { assertNoSecrets, everyOutput } from './every-output.js';

/** Where each secret is planted, keyed by the secret value. */
const PLANTED = {
  'S01-inventory-host-var': 'inventory host var db_password',
  'S02-inventory-group-var': 'inventory group var group_api_token',
  'S03-group-vars-file': 'group_vars file aws_secret_access_key',
  'S04-env-lookup-in-group-vars': "group_vars file lookup('env') templated_db_password",
  'S05-host-vars-file': 'host_vars file ssh_passphrase',
  'S06-play-vars': 'play vars db_password_old',
  'S07-dict-under-secret-key': 'play vars dict under db_credentials',
  'S08-list-under-secret-key': 'play vars list under api_tokens',
  'S09-vars-files': 'play vars_files secret_key',
  'S10-block-vars': 'block vars block_secret',
  'S11-task-vars': 'task vars task_token',
  'S12-set-fact': 'set_fact fact_password',
  'S13-registered-stdout': 'register registered_secret',
  'S14-include-vars': 'include_vars included_passphrase',
  'S15-extra-vars-kv': '-e cli_password=',
  'S16-extra-vars-file': '-e @file cli_credential',
  'S17-role-defaults': 'role defaults role_secret',
  'S18-env-lookup-in-play-vars': "play vars lookup('env') vault_password",
  'S19-loop-register': 'loop items registered as loop_token',
  'S20-camelCase': 'play vars dbPassPhrase',
  'S21-uppercase': 'play vars DB_PASSWORD',
  'S22-become-pass': 'inventory ansible_become_pass',
  'S24-task-environment': "task environment PGPASSWORD from lookup('env')",
} as const;
const SECRETS = Object.keys(PLANTED);

/** Every secret-named variable, as a template expression list. */
const ALL_VARS = [
  'db_password',
  'group_api_token',
  'aws_secret_access_key',
  'templated_db_password',
  'ssh_passphrase',
  'db_password_old',
  'db_credentials.password',
  'api_tokens[0]',
  'secret_key',
  'fact_password',
  'registered_secret.stdout',
  'included_passphrase',
  'cli_password',
  'cli_credential',
  'role_secret',
  'vault_password',
  'loop_token.results[0].stdout',
  'dbPassPhrase',
  'DB_PASSWORD',
  'ansible_become_pass',
];

let dir: string;

function project(): { inv: string; pb: string; extra: string } {
  dir = mkdtempSync(join(tmpdir(), 'secrets-sources-'));
  mkdirSync(join(dir, 'inv', 'group_vars'), { recursive: true });
  mkdirSync(join(dir, 'inv', 'host_vars'), { recursive: true });
  mkdirSync(join(dir, 'vars'));
  mkdirSync(join(dir, 'roles', 'r', 'defaults'), { recursive: true });
  mkdirSync(join(dir, 'roles', 'r', 'tasks'), { recursive: true });
  const inv = join(dir, 'inv', 'hosts.yml');
  writeFileSync(
    inv,
    `all:
  hosts:
    target1:
      ansible_connection: local
      db_password: S01-inventory-host-var
      ansible_become_pass: S22-become-pass
  vars:
    group_api_token: S02-inventory-group-var
`,
  );
  writeFileSync(join(dir, 'inv', 'group_vars', 'all.yml'), `aws_secret_access_key: S03-group-vars-file\ntemplated_db_password: "{{ lookup('env', 'SECRETS_TEST_DB_PASSWORD') }}"\n`);
  writeFileSync(join(dir, 'inv', 'host_vars', 'target1.yml'), 'ssh_passphrase: S05-host-vars-file\n');
  writeFileSync(join(dir, 'vars', 'secrets.yml'), 'secret_key: S09-vars-files\n');
  writeFileSync(join(dir, 'vars', 'included.yml'), 'included_passphrase: S14-include-vars\n');
  writeFileSync(join(dir, 'roles', 'r', 'defaults', 'main.yml'), 'role_secret: S17-role-defaults\n');
  writeFileSync(join(dir, 'roles', 'r', 'tasks', 'main.yml'), '- debug: {msg: "role sees {{ role_secret }}"}\n');
  const extra = join(dir, 'extra.yml');
  writeFileSync(extra, 'cli_credential: S16-extra-vars-file\n');
  const all = ALL_VARS.map((v) => `{{ ${v} }}`).join(' ');
  const pb = join(dir, 'site.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  vars:
    db_password_old: S06-play-vars
    db_credentials: {user: appuser, password: S07-dict-under-secret-key}
    api_tokens: [S08-list-under-secret-key]
    vault_password: "{{ lookup('env', 'SECRETS_TEST_VAULT') }}"
    dbPassPhrase: S20-camelCase
    DB_PASSWORD: S21-uppercase
    private_key_file: /keys/VISIBLE-key-file-path
  vars_files: [vars/secrets.yml]
  roles: [r]
  tasks:
    - block:
        - debug: {msg: "block sees {{ block_secret }}"}
      vars:
        block_secret: S10-block-vars
    - debug: {msg: "task sees {{ task_token }}"}
      vars:
        task_token: S11-task-vars
    - set_fact:
        fact_password: "S12-{{ 'set' }}-fact"
    - command: echo S13-registered-stdout
      register: registered_secret
    - include_vars: {file: vars/included.yml}
    - name: "loop, registered under a secret name"
      command: "echo S19-loop-{{ item }}"
      loop: [register]
      register: loop_token
    - name: "task named with {{ db_password_old }}"
      debug: {msg: "${all}"}
    - debug: {var: db_credentials}
    - debug: {var: fact_password}
    - name: visible marker (a non-secret _file name stays readable)
      debug: {msg: "key file {{ private_key_file }}"}
    - command: "echo ${all}"
    - shell: "echo ${all} >&2; exit 3"
      ignore_errors: true
    - name: a secret-named environment variable of a task
      shell: echo "env has $PGPASSWORD"
      environment:
        PGPASSWORD: "{{ lookup('env', 'SECRETS_TEST_PG') }}"
    - fail: {msg: "failing with ${all}"}
`,
  );
  return { inv, pb, extra };
}

const ENV = { SECRETS_TEST_DB_PASSWORD: 'S04-env-lookup-in-group-vars', SECRETS_TEST_VAULT: 'S18-env-lookup-in-play-vars', SECRETS_TEST_PG: 'S24-task-environment' };

test('a secret from each source is masked in plain, -v, --json, --json -v and terminal output', async () => {
  const { inv, pb, extra } = project();
  try {
    const modes = await everyOutput(['play', pb, '-i', inv, '-e', 'cli_password=S15-extra-vars-kv', '-e', `@${extra}`], { cwd: dir, env: ENV });
    for (const { name, res } of modes) {
      // the run really printed the values (masked): the failing task failed, the marker is visible
      assert.equal(res.code, 2, `${name}: exit code\n${res.stdout}\n${res.stderr}`);
      assert.match(res.stdout, /\*\*\*\*\*\*\*\*/, `${name}: masked values shown`);
      assert.match(res.stdout, /VISIBLE-key-file-path/, `${name}: the _file var is not masked`);
    }
    const verbose = modes.find((m) => m.name === '-v')!.res.stdout;
    // the failure message and the command's stdout/stderr are there, with every value masked
    assert.match(verbose, /failing with \*\*\*\*\*\*\*\*/);
    assert.match(verbose, /"stderr": "\*\*\*\*\*\*\*\*/);
    assert.match(verbose, /TASK \[task named with \*\*\*\*\*\*\*\*\]/);
    assert.match(verbose, /env has \*\*\*\*\*\*\*\*/);
    assertNoSecrets(modes, SECRETS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an error the CLI prints on stderr does not carry a secret', async () => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-error-'));
  try {
    const pb = join(dir, 'site.yml');
    writeFileSync(pb, `- hosts: localhost\n  gather_facts: false\n  vars_files: ["/nonexistent/{{ vault_password }}.yml"]\n  tasks:\n    - debug: {msg: unreachable}\n`);
    const res = await drover(['play', pb, '-e', 'vault_password=S23-in-an-error-path'], { cwd: dir });
    assert.equal(res.code, 5, res.stdout + res.stderr);
    assert.match(res.stderr, /nonexistent\/\*\*\*\*\*\*\*\*\.yml/);
    assert.ok(!(res.stdout + res.stderr).includes('S23-in-an-error-path'), res.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
