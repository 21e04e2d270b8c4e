// The live view (listr2) on a real terminal, read off the screen in tmux: it shows what the
// plain view shows (debug, failures with their message, -v results, `drover run` output),
// counts on every finished task, and while a task runs its pending hosts and elapsed time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  dir = mkdtempSync(join(tmpdir(), 'drover-live-'));
  inv = join(dir, 'inv.yml');
  writeFileSync(
    inv,
    `all:
  vars: {ansible_connection: local}
  hosts:
    web1: {nap: 0}
    web2: {nap: 0}
    web3: {nap: 6}
`,
  );
});

after(() => {
  for (const s of screens) s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('live view: debug output, failures with their message, and counts on every finished task', async () => {
  const pb = join(dir, 'show.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: greet
      debug: {msg: "hello from {{ inventory_hostname }}"}
    - name: show a var
      debug: {var: nap}
    - name: break one
      fail: {msg: "boom on {{ inventory_hostname }}"}
      when: inventory_hostname == 'web2'
    - name: quick
      command: "true"
`,
  );
  const s = screen(['play', pb, '-i', inv]);
  assert.equal(await s.exitCode(), 2);
  const text = s.text();
  // the task list: each finished task carries its counts (fast tasks used to finish before listr2 drew them, with none)
  assert.match(text, /✔ TASK \[greet\]\s+ok=3\b/);
  assert.match(text, /✔ TASK \[show a var\]\s+ok=3\b/);
  assert.match(text, /✖ TASK \[break one\]\s+failed=1 skipped=2/);
  assert.match(text, /✔ TASK \[quick\]\s+changed=2\b/);
  // what the plain view prints with a payload
  for (const h of ['web1', 'web2', 'web3']) assert.match(text, new RegExp(`ok: \\[${h}\\] => \\{\\s*"msg": "hello from ${h}"`));
  assert.match(text, /ok: \[web3\] => \{\s*"nap": 6\s*\}/);
  assert.match(text, /fatal: \[web2\]: FAILED! => \{"changed": false, "msg": "boom on web2"\}/);
  assert.match(text, /PLAY RECAP/);
  assert.match(text, /web2\s+: ok=2\s+changed=0\s+unreachable=0\s+failed=1/);
});

test('live view: while a task runs, the hosts still pending and the elapsed time', async () => {
  const pb = join(dir, 'slow.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: nap
      command: "sleep {{ nap }}"
`,
  );
  const s = screen(['play', pb, '-i', inv]);
  const pending = /(\d+)s · waiting for 1 of 3: web3/;
  const t1 = Number(pending.exec(await s.waitFor(pending))![1]);
  // the clock moves on its own while nothing else happens
  const later = await s.waitFor((text) => Number(pending.exec(text)?.[1] ?? -1) > t1, 10_000);
  assert.match(later, /⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/);
  // the hosts already done show as their latest results under it
  assert.match(later, /waiting for 1 of 3: web3\n(?:.*\n)*?.*changed: \[web1\]/);
  assert.equal(await s.exitCode(), 0);
  assert.match(s.text(), /✔ TASK \[nap\]\s+changed=3\s+\(\d/);
});

test('live view: -v shows every result in full, as the plain view does', async () => {
  const pb = join(dir, 'verbose.yml');
  writeFileSync(
    pb,
    `- hosts: web1,web2
  gather_facts: false
  tasks:
    - name: say
      command: "echo said-by-{{ inventory_hostname }}"
`,
  );
  const s = screen(['play', pb, '-i', inv, '-v']);
  assert.equal(await s.exitCode(), 0);
  const text = s.text();
  for (const h of ['web1', 'web2']) assert.match(text, new RegExp(`changed: \\[${h}\\] => \\{[^]*?"stdout": "said-by-${h}"`));
  assert.match(text, /✔ TASK \[say\]\s+changed=2/);
});

test('live view: drover run shows each host\'s command output', async () => {
  const s = screen(['run', 'all', '-i', inv, '-a', 'echo out-of-{{ inventory_hostname }}']);
  assert.equal(await s.exitCode(), 0);
  const text = s.text();
  for (const h of ['web1', 'web2', 'web3']) assert.match(text, new RegExp(`changed: \\[${h}\\] => \\{[^]*?"stdout": "out-of-${h}"`));
  assert.match(text, /✔ TASK \[command echo out-of-[^\]]*\]\s+changed=3/);
});

test('live view: retries, --diff output and unreachable hosts, as the plain view prints them', async () => {
  const pb = join(dir, 'misc.yml');
  const target = join(dir, 'motd');
  writeFileSync(target, 'old line\n');
  writeFileSync(
    pb,
    `- hosts: all:!down
  gather_facts: false
  tasks:
    - name: write motd
      copy: {content: "new line\\n", dest: "${target}"}
      when: inventory_hostname == 'web1'
    - name: try twice
      command: "true"
      register: r
      until: r.rc == 1
      retries: 1
      delay: 0
      ignore_errors: true
      when: inventory_hostname == 'web1'
- hosts: down
  gather_facts: false
  tasks:
    - name: reach
      command: "true"
`,
  );
  const downInv = join(dir, 'down.yml');
  writeFileSync(downInv, 'all:\n  children:\n    down:\n      hosts:\n        gone: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1, ansible_user: nobody}\n');
  const s = screen(['play', pb, '-i', inv, '-i', downInv, '--diff']);
  assert.equal(await s.exitCode(), 4);
  const text = s.text();
  assert.match(text, /✔ TASK \[write motd\]\s+changed=1 skipped=2/);
  assert.match(text, /-old line\n\+new line/);
  assert.match(text, /TASK \[try twice\]\s+skipped=2 ignored=1/);
  assert.match(text, /FAILED - RETRYING: \[web1\]: try twice \(1 retries left\)/);
  assert.match(text, /fatal: \[web1\]: FAILED! => .*"attempts": 2/);
  assert.match(text, /✖ TASK \[reach\]\s+unreachable=1/);
  assert.match(text, /fatal: \[gone\]: UNREACHABLE! => \{.*"msg": "[^"]+/);
});
