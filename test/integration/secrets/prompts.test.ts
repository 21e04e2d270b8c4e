// Prompts are output too: a pause prompt, a pause countdown and the --step question on a
// terminal show a secret-named variable's value masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoSecrets, droverOnTerminal } from './every-output.js';

const SECRET = 'PROMPT-PW-from-env';

test('pause prompts and --step questions on a terminal mask secrets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-prompts-'));
  try {
    const pb = join(dir, 'site.yml');
    writeFileSync(
      pb,
      `- hosts: localhost
  gather_facts: false
  vars:
    db_password: "{{ lookup('env', 'SECRETS_PROMPT_PW') }}"
  tasks:
    - pause: {prompt: "deploy with {{ db_password }}"}
    - pause: {prompt: "counting with {{ db_password }}", seconds: 1}
    - name: "step named {{ db_password }}"
      debug: {msg: done}
`,
    );
    const env = { SECRETS_PROMPT_PW: SECRET };
    const paused = await droverOnTerminal(['play', pb], { cwd: dir, env, answers: [{ when: /deploy with/, send: '\r' }], timeoutMs: 60_000 });
    assert.equal(paused.code, 0, paused.stdout);
    assert.match(paused.stdout, /deploy with \*\*\*\*\*\*\*\*/);
    const stepped = await droverOnTerminal(['play', pb, '--step'], {
      cwd: dir,
      env,
      answers: [
        { when: /Perform task: TASK: pause/, send: 'n\r' },
        { when: /Perform task: TASK: pause[\s\S]*Perform task: TASK: pause/, send: 'n\r' },
        { when: /Perform task: TASK: step named/, send: 'y\r' },
      ],
      timeoutMs: 60_000,
    });
    assert.equal(stepped.code, 0, stepped.stdout);
    assert.match(stepped.stdout, /Perform task: TASK: step named \*\*\*\*\*\*\*\*/);
    assertNoSecrets([{ name: 'pause', res: paused }, { name: '--step', res: stepped }], [SECRET]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
