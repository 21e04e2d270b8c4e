// Reading ansible.cfg and drover.yml: sections, both delimiters, comments, Ansible's booleans,
// paths relative to the file, environment over file, and the errors a user can act on.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSetting, loadProjectConfig } from '../../../src/cli/project-config.js';
import { InputError } from '../../../src/cli/errors.js';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'drover-cfg-unit-'));
  made.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const noHome = { HOME: '/nonexistent' };

test('ansible.cfg: keys only from their own section, = and : delimiters, comments, booleans', () => {
  const d = dir({
    'ansible.cfg': `# comment
; another
[defaults]
inventory = a.yml, /abs/b.ini
forks: 7
remote_user = deploy ; inline comment
become = yes
roles_path = roles:/opt/roles

[privilege_escalation]
become = True
become_user = ops
become_method: su
`,
  });
  const cfg = loadProjectConfig(d, noHome);
  assert.equal(cfg.file, join(d, 'ansible.cfg'));
  assert.deepEqual(cfg.values, {
    inventory: [join(d, 'a.yml'), '/abs/b.ini'],
    forks: 7,
    remote_user: 'deploy',
    roles_path: [join(d, 'roles'), '/opt/roles'],
    become: true,
    become_user: 'ops',
    become_method: 'su',
  });
});

test('ansible.cfg: a bad value names file:line', () => {
  const d = dir({ 'ansible.cfg': '[defaults]\n\nforks = lots\n' });
  assert.throws(
    () => loadProjectConfig(d, noHome),
    (e: unknown) => e instanceof InputError && e.format().startsWith(`${join(d, 'ansible.cfg')}:3: forks must be a positive integer, got 'lots'`),
  );
});

test('drover.yml wins over ansible.cfg; lists and strings both work for paths', () => {
  const d = dir({ 'drover.yml': 'inventory: [x.yml, y.yml]\nroles_path: r\nhost_key_checking: off\n', 'ansible.cfg': '[defaults]\nforks = 3\n' });
  const cfg = loadProjectConfig(d, noHome);
  assert.deepEqual(cfg.values, { inventory: [join(d, 'x.yml'), join(d, 'y.yml')], roles_path: [join(d, 'r')], host_key_checking: false });
});

test('environment over the file: DROVER_ first, then ANSIBLE_', () => {
  const d = dir({ 'drover.yml': 'forks: 3\nbecome_user: ops\n' });
  const cfg = loadProjectConfig(d, noHome);
  assert.equal(configSetting(cfg, 'forks', {}), 3);
  assert.equal(configSetting(cfg, 'forks', { ANSIBLE_FORKS: '9' }), 9);
  assert.equal(configSetting(cfg, 'forks', { ANSIBLE_FORKS: '9', DROVER_FORKS: '4' }), 4);
  assert.equal(configSetting(cfg, 'become_user', { ANSIBLE_BECOME_USER: 'root' }), 'root');
  assert.throws(
    () => configSetting(cfg, 'forks', { ANSIBLE_FORKS: 'x' }),
    (e: unknown) => e instanceof InputError && e.format().startsWith("$ANSIBLE_FORKS: forks must be a positive integer, got 'x'"),
  );
});

test('no config anywhere: nothing set', () => {
  assert.deepEqual(loadProjectConfig(dir({}), noHome), { values: {} });
});
