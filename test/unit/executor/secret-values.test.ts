// The secret name rule and the growing set of secret values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretName, SecretValues } from '../../../src/executor/secret-values.js';
import { maskDeep, maskValues } from '../../../src/output/mask.js';

test('secret names: the words match anywhere in the name, file locations do not', () => {
  for (const name of ['password', 'db_password', 'db_password_old', 'DB_PASSWORD', 'dbPassword', 'passwd', 'ssh_passphrase', 'key_passphrase_2', 'secret_key', 'aws_secret_access_key', 'client_secret', 'api_token', 'token', 'github_token_rw', 'api_key', 'apikey', 'private_key', 'tls_private_key_pem', 'credentials', 'db_credential', 'ansible_become_pass', 'ansible_ssh_pass', 'pass', 'vault-pass-id', 'rootpass', 'PGPASSWORD']) {
    assert.equal(isSecretName(name), true, name);
  }
  for (const name of ['private_key_file', 'ansible_ssh_private_key_file', 'password_file', 'token_path', 'secrets_dir', 'user', 'passive_mode', 'bypass_proxy', 'passenger', 'keepalive', 'host_key_checking', 'ssh_key_type']) {
    assert.equal(isSecretName(name), false, name);
  }
});

test('secret values: nested under secret names, JSON and URL forms, results without bookkeeping', () => {
  const s = new SecretValues();
  s.addVars({ app: { db_credentials: { user: 'appuser', password: 'p"w/1' } }, port: 5432, use_password: 'yes', tokens: ['ab'] });
  assert.ok(s.values.includes('appuser'));
  assert.ok(s.values.includes('p"w/1'));
  assert.ok(s.values.includes('p\\"w/1'), 'JSON-escaped form');
  assert.ok(s.values.includes('p%22w%2F1'), 'URL-encoded form');
  assert.ok(!s.values.includes('yes'), 'flag words are not secrets');
  assert.ok(!s.values.includes('5432'));
  s.addNamed('api_token', { changed: true, rc: 0, msg: 'All items completed', stdout: 'tok-123456' });
  assert.ok(s.values.includes('tok-123456'));
  assert.ok(!s.values.includes('All items completed'), 'bookkeeping of a registered result is not a secret');
  s.add('lone\uD800surrogate');
  assert.ok(s.values.includes('lone\uD800surrogate'), 'a value no URL can carry is still masked (and does not throw)');
  s.add('{{ lookup("env", "X") }}');
  assert.ok(!s.values.some((v) => v.includes('{{')), 'a template is not a value');
  for (let i = 1; i < s.values.length; i++) assert.ok(s.values[i - 1]!.length >= s.values[i]!.length, 'longest first');
});

test('masking: values, URL passwords, object keys and numbers', () => {
  const s = new SecretValues();
  s.add('hunter22');
  s.add(987654);
  assert.equal(maskValues('pw=hunter22 url=https://bob:swordfish@example.com/x', s.values), 'pw=******** url=https://bob:********@example.com/x');
  assert.deepEqual(maskDeep({ hunter22: [987654, 'a hunter22 b', true] }, s.values), { '********': ['********', 'a ******** b', true] });
});
