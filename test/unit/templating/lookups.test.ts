// Lookup behaviour Drover adds or keeps stricter than Ansible (the rest is compared with real
// Ansible in test/differential/lookups.test.ts): the password file, masking, refusals, warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemplar } from '../../../src/templating/templar.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'drover-lookups-'));
}

test('password creates its file once (0600, directory 0700) and reads the same password back', () => {
  const dir = tempDir();
  const secrets: string[] = [];
  const t = createTemplar({ onSecret: (v) => secrets.push(v) });
  const vars = { playbook_dir: dir };
  const first = t.render("{{ lookup('password', 'creds/db length=24 chars=ascii_letters') }}", vars) as string;
  assert.match(first, /^[A-Za-z]{24}$/);
  const path = join(dir, 'creds/db');
  assert.equal(readFileSync(path, 'utf8'), `${first}\n`);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'creds')).mode & 0o777, 0o700);
  const again = t.render("{{ lookup('password', 'creds/db length=5') }}", vars);
  assert.equal(again, first);
  assert.deepEqual(secrets, [first, first]);
});

test('password with a seed gives the same value every time; encrypt= is refused', () => {
  const t = createTemplar();
  const a = t.render("{{ lookup('password', '/dev/null seed=web1 length=16') }}", {});
  const b = t.render("{{ lookup('password', '/dev/null seed=web1 length=16') }}", {});
  const c = t.render("{{ lookup('password', '/dev/null seed=web2 length=16') }}", {});
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.throws(() => t.render("{{ lookup('password', '/dev/null encrypt=sha512_crypt') }}", {}), /encrypt= is not supported by Drover/);
});

test('url is refused with the alternative, even with errors=ignore, and has no with_url form', async () => {
  const t = createTemplar();
  for (const expr of ["{{ lookup('url', 'http://127.0.0.1/') }}", "{{ lookup('url', 'http://127.0.0.1/', errors='ignore') }}"]) {
    assert.throws(() => t.render(expr, {}), /url lookup is not supported by Drover: fetch with the uri or get_url module/);
  }
  const { LOOP_LOOKUPS } = await import('../../../src/templating/lookups/registry.js');
  assert.ok(!LOOP_LOOKUPS.includes('url'));
  assert.ok(LOOP_LOOKUPS.includes('subelements'));
});

test('an option a lookup does not know is an error naming it (Ansible ignores it: a typo would go unnoticed)', () => {
  const t = createTemplar();
  assert.throws(() => t.render("{{ lookup('file', '/etc/hostname', rstip=False) }}", {}), /Unrecognized option\(s\) for the file lookup: rstip/);
  assert.throws(() => t.render("{{ lookup('ini', 'user', file='x.ini', sectoin='db') }}", {}), /Unrecognized option for the ini lookup: sectoin/);
});

test("errors='warn' reports the failure as a warning and gives None (lookup) or [] (query)", () => {
  const warnings: string[] = [];
  const t = createTemplar({ onWarning: (m) => warnings.push(m) });
  assert.equal(t.render("{{ lookup('dict', 'x', errors='warn') is none }}", {}), true);
  assert.deepEqual(t.render("{{ query('pipe', 'exit 4', errors='warn') }}", {}), []);
  assert.deepEqual(warnings, ['Lookup failed but the error is being ignored: with_dict expects a dict', "An unhandled exception occurred while running the lookup plugin 'pipe'. Error was a <class 'ansible.errors.AnsibleError'>, original message: lookup_plugin.pipe(exit 4) returned 4"]);
});

test('template lookup: convert_data=false and jinja2_native=true are refused, not ignored; the defaults render', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'greeting.j2'), 'hello {{ who }}\n');
  const t = createTemplar();
  const vars = { who: 'ops', playbook_dir: dir };
  assert.equal(t.render("{{ lookup('template', 'greeting.j2', convert_data=True, jinja2_native=False) }}", vars), 'hello ops\n');
  assert.throws(() => t.render("{{ lookup('template', 'greeting.j2', convert_data=False) }}", vars), /supports only convert_data=true/);
  assert.throws(() => t.render("{{ lookup('template', 'greeting.j2', jinja2_native=True) }}", vars), /supports only jinja2_native=false/);
});
