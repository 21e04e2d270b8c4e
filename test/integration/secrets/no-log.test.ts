// no_log covers every event of a task (retries, loop items, failures) in every output mode,
// and what such a task registered stays hidden when a later task prints it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonEvents } from '../../helpers/cli.js';
import { assertNoSecrets, everyOutput } from './every-output.js';

const HIDDEN = ['NL1-retry-stdout', 'NL1-retry-stderr', 'NL2-item-a', 'NL2-item-b', 'NL3-good-item', 'NL3-bad-item', 'NL4-registered-later', 'NL5-failure-message'];

const PLAYBOOK = `- hosts: localhost
  gather_facts: false
  tasks:
    - name: retried under no_log
      shell: "echo NL1-retry-stdout; echo NL1-retry-stderr >&2; exit 1"
      register: attempt
      until: attempt.rc == 0
      retries: 2
      delay: 0
      no_log: true
      ignore_errors: true
    - name: loop under no_log
      command: "echo {{ item }}"
      loop: [NL2-item-a, NL2-item-b]
      no_log: true
    - name: a failing item under no_log
      shell: "echo {{ item }} >&2; test {{ item }} = NL3-good-item"
      loop: [NL3-good-item, NL3-bad-item]
      no_log: true
      ignore_errors: true
    - name: registered under no_log
      command: echo NL4-registered-later
      register: later
      no_log: true
    - debug: {var: later}
    - debug: {msg: "later said {{ later.stdout }}"}
    - name: failing under no_log
      shell: "echo NL5-failure-message >&2; exit 4"
      no_log: true
`;

test('no_log hides retries, loop items, failures and the registered result in every output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-nolog-'));
  try {
    const pb = join(dir, 'site.yml');
    writeFileSync(pb, PLAYBOOK);
    const modes = await everyOutput(['play', pb], { cwd: dir });
    for (const { name, res } of modes) {
      assert.equal(res.code, 2, `${name}: the last task fails\n${res.stdout}\n${res.stderr}`);
      assert.match(res.stdout, /no_log: true' was specified for this result/, `${name}: the censored notice`);
    }
    // the events are there (retries happened, items ran, the later debug printed), only censored
    const plain = modes.find((m) => m.name === '-v')!.res.stdout;
    assert.match(plain, /FAILED - RETRYING: \[localhost\]: retried under no_log \(2 retries left\)/);
    assert.match(plain, /later said \*\*\*\*\*\*\*\*/);
    const events = jsonEvents(modes.find((m) => m.name === '--json')!.res.stdout);
    const retries = events.filter((e) => e.type === 'retry');
    assert.equal(retries.length, 2);
    for (const r of retries) assert.match(String(r.result.censored), /no_log/);
    const items = events.filter((e) => e.type === 'host_result' && e.item !== undefined);
    assert.equal(items.length, 4);
    for (const i of items) assert.equal(i.item, '(censored due to no_log)');
    assertNoSecrets(modes, HIDDEN);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
