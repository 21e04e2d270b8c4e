// Ctrl-C pressed on a real terminal (tmux) while the live view draws: the run stops its
// tasks, prints the recap and exits 99; a second Ctrl-C quits at once and gives the cursor back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TmuxScreen } from './tmux-screen.js';

let dir: string;
let inv: string;
const screens: TmuxScreen[] = [];

function screen(args: string[]): TmuxScreen {
  const s = TmuxScreen.start({ args, cwd: dir });
  screens.push(s);
  return s;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-ctrlc-'));
  inv = join(dir, 'inv.yml');
  writeFileSync(inv, 'all:\n  vars: {ansible_connection: local}\n  hosts:\n    web1: {}\n    web2: {}\n');
});

after(() => {
  for (const s of screens) s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('Ctrl-C in the live view: running tasks stop, the recap is printed, exit 99', async () => {
  const pb = join(dir, 'long.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: first
      debug: {msg: started}
    - name: long
      command: sleep 60
    - name: never
      copy: {content: x, dest: "${dir}/never-{{ inventory_hostname }}"}
`,
  );
  const s = screen(['play', pb, '-i', inv]);
  await s.waitFor(/TASK \[long\]/);
  s.keys('C-c');
  // listr2 used to take the signal itself and exit 127 with no recap
  assert.equal(await s.exitCode(30_000), 99);
  const text = s.text();
  assert.match(text, /PLAY RECAP/);
  assert.match(text, /User interrupted execution/);
  assert.match(text, /✖ TASK \[long\]/);
  assert.match(text, /web1\s+: ok=1\b/);
  assert.doesNotMatch(text, /TASK \[never\]/);
  assert.equal(existsSync(join(dir, 'never-web1')), false);
  assert.ok(s.cursorVisible(), 'the cursor is shown again');
});

test('a second Ctrl-C quits at once, without waiting for the commands to stop', async () => {
  const pb = join(dir, 'stubborn.yml');
  // the command ignores SIGTERM, so after the first Ctrl-C the run waits for its kill
  writeFileSync(
    pb,
    `- hosts: web1
  gather_facts: false
  tasks:
    - name: stubborn
      shell: "trap '' TERM INT; sleep 60"
`,
  );
  const s = screen(['play', pb, '-i', inv]);
  await s.waitFor(/waiting for 1 of 1: web1/);
  s.keys('C-c');
  // the live view says what it waits for and how to quit now
  await s.waitFor(/Interrupted: waiting for web1 to stop · Ctrl-C again quits now/);
  s.keys('C-c');
  assert.equal(await s.exitCode(30_000), 99);
  assert.doesNotMatch(s.text(), /PLAY RECAP/);
  assert.ok(s.cursorVisible(), 'the cursor is shown again');
});
