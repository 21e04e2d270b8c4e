// pause on a real terminal (tmux): a prompt is a gate that holds until Enter and hands over
// what was typed as `user_input` (the same result keys as Ansible's, checked against the
// installed ansible-playbook); without a terminal it fails unless --yes or a default answers;
// a timed pause counts down; Ctrl-C at a prompt ends the run before the gated task.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import { drover } from '../../helpers/cli.js';
import { hasAnsible } from '../../helpers/ansible.js';
import { TmuxScreen } from './tmux-screen.js';

let dir: string;
let inv: string;
let gate: string;
const screens: TmuxScreen[] = [];

function screen(args: string[], env: Record<string, string> = {}): TmuxScreen {
  const s = TmuxScreen.start({ args, cwd: dir, env });
  screens.push(s);
  return s;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-pause-'));
  inv = join(dir, 'inv.ini');
  writeFileSync(inv, 'web1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\nweb2 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
  // the shape of a confirmation gate: nothing after it may run until someone answers
  gate = join(dir, 'gate.yml');
  writeFileSync(
    gate,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: confirm
      pause: {prompt: "Type the cluster to deploy"}
      register: answer
    - name: pin
      pause: {prompt: "PIN", echo: false}
      register: pin
    - name: deploy
      copy: {content: "{{ answer | to_json }}\\n{{ pin.user_input }}\\n", dest: "${dir}/deployed-{{ inventory_hostname }}-{{ tag | default('x') }}"}
`,
  );
});

after(() => {
  for (const s of screens) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The registered prompt result and the hidden answer a run wrote for `host`. */
function deployed(host: string, tag: string): { answer: Record<string, unknown>; pin: string } {
  const [json, pin] = readFileSync(join(dir, `deployed-${host}-${tag}`), 'utf8').split('\n');
  return { answer: JSON.parse(json!), pin: pin! };
}

async function answerGate(s: TmuxScreen, tag: string): Promise<void> {
  await s.waitFor('Type the cluster to deploy:');
  // the gate holds: time passes, nothing after it runs
  await sleep(1500);
  assert.equal(existsSync(join(dir, `deployed-web1-${tag}`)), false);
  assert.match(s.text(), /Type the cluster to deploy:/);
  // a typo mended with Backspace, as on any line
  s.type('prod-ex');
  await s.waitFor('Type the cluster to deploy: prod-ex');
  s.keys('BSpace');
  s.type('u');
  await s.waitFor('Type the cluster to deploy: prod-eu');
  s.keys('Enter');
  await s.waitFor('PIN (output is hidden):');
  s.type('4711');
  await sleep(300);
  assert.doesNotMatch(s.text(), /4711/, 'echo: false shows nothing of the answer');
  s.keys('Enter');
}

test('pause prompt in the live view: holds until Enter, the answer is user_input, echo: false hides it', async () => {
  const s = screen(['play', gate, '-i', inv, '-e', 'tag=live']);
  await answerGate(s, 'live');
  assert.equal(await s.exitCode(), 0);
  assert.match(s.text(), /✔ TASK \[confirm\]\s+ok=1/);
  assert.match(s.text(), /✔ TASK \[deploy\]\s+changed=2/);
  // pause runs once for all hosts, and every host sees the answer (as with run_once)
  for (const host of ['web1', 'web2']) {
    const { answer, pin } = deployed(host, 'live');
    assert.equal(answer.user_input, 'prod-eu');
    assert.equal(answer.echo, true);
    assert.equal(pin, '4711');
  }
});

test('pause prompt in the plain view on a terminal', async () => {
  const s = screen(['play', gate, '-i', inv, '-e', 'tag=plain'], { DROVER_PLAIN: '1' });
  await answerGate(s, 'plain');
  assert.equal(await s.exitCode(), 0);
  assert.match(s.text(), /TASK \[confirm\] \*+\nType the cluster to deploy: prod-eu\nok: \[web1\]/);
  assert.equal(deployed('web2', 'plain').answer.user_input, 'prod-eu');
});

test('the prompt result has the keys and formats of Ansible\'s (installed ansible-playbook, same answer typed)', { skip: !hasAnsible && 'ansible-playbook not installed' }, async () => {
  // web1 only: Ansible 2.14 registers a pause's result on the first host alone
  const s = screen(['play', gate, '-i', inv, '-l', 'web1', '-e', 'tag=drover']);
  await answerGate(s, 'drover');
  assert.equal(await s.exitCode(), 0);
  // Ansible in the same kind of terminal, answering the same way
  const script = `cd '${dir}' && ANSIBLE_NOCOWS=1 ansible-playbook -i inv.ini -l web1 gate.yml -e tag=ansible; echo $? > '${dir}/ansible-exit'; sleep 3600`;
  const socket = `drover-test-${process.pid}-ansible`;
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', '160', '-y', '48', script]);
  try {
    const keys = (...k: string[]): void => void execFileSync('tmux', ['-L', socket, 'send-keys', '-t', 'main', ...k]);
    const seen = (text: string): boolean => execFileSync('tmux', ['-L', socket, 'capture-pane', '-p', '-t', 'main'], { encoding: 'utf8' }).includes(text);
    const until = async (text: string): Promise<void> => {
      for (let i = 0; i < 300 && !seen(text); i++) await sleep(100);
    };
    await until('Type the cluster to deploy:');
    keys('-l', 'prod-eu');
    keys('Enter');
    await until('PIN (output is hidden):');
    keys('-l', '4711');
    keys('Enter');
    for (let i = 0; i < 600 && !existsSync(join(dir, 'ansible-exit')); i++) await sleep(100);
  } finally {
    execFileSync('tmux', ['-L', socket, 'kill-server']);
  }
  assert.equal(readFileSync(join(dir, 'ansible-exit'), 'utf8').trim(), '0');
  const ours = deployed('web1', 'drover');
  const theirs = deployed('web1', 'ansible');
  // ours waited 1.5 s before the answer: delta counts whole seconds, as Ansible's
  assert.ok((ours.answer.delta as number) >= 1);
  assert.equal(ours.pin, theirs.pin);
  for (const key of ['user_input', 'echo', 'changed', 'rc', 'stderr']) assert.deepEqual(ours.answer[key], theirs.answer[key], key);
  for (const key of Object.keys(theirs.answer)) if (key !== 'failed') assert.ok(key in ours.answer, `Ansible's key ${key}`);
  const stamp = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/;
  for (const r of [ours.answer, theirs.answer]) {
    assert.match(String(r.start), stamp);
    assert.match(String(r.stop), stamp);
    assert.ok(Number.isInteger(r.delta) && (r.delta as number) >= 0, `delta ${String(r.delta)}`);
    assert.match(String(r.stdout), /^Paused for \d+(\.\d+)? minutes$/);
  }
});

test('pause without a terminal fails clearly and nothing after it runs; --yes or a default answers it', async () => {
  const noTty = await drover(['play', gate, '-i', inv, '-e', 'tag=notty']);
  assert.equal(noTty.code, 2);
  assert.match(noTty.stdout, /fatal: \[web1\]: FAILED! => .*pause is waiting for an answer to 'Type the cluster to deploy', but stdin is not a terminal.*--yes/);
  // the gate failed for the whole batch: no host went on to the next prompt or the deploy
  assert.doesNotMatch(noTty.stdout, /TASK \[pin\]|TASK \[deploy\]/);
  assert.equal(existsSync(join(dir, 'deployed-web2-notty')), false);

  const yes = await drover(['play', gate, '-i', inv, '-e', 'tag=yes', '--yes']);
  assert.equal(yes.code, 0, yes.stdout);
  assert.equal(deployed('web2', 'yes').answer.user_input, '');

  const withDefault = join(dir, 'default.yml');
  writeFileSync(
    withDefault,
    `- hosts: web1
  gather_facts: false
  tasks:
    - pause: {prompt: "Region", default: eu-west}
      register: region
    - copy: {content: "{{ region.user_input }}", dest: "${dir}/region-{{ tag }}"}
`,
  );
  for (const tag of ['plain', 'yes']) {
    const res = await drover(['play', withDefault, '-i', inv, '-e', `tag=${tag}`, ...(tag === 'yes' ? ['--yes'] : [])]);
    assert.equal(res.code, 0, res.stdout);
    assert.equal(readFileSync(join(dir, `region-${tag}`), 'utf8'), 'eu-west');
  }
});

test('a bare pause waits for Enter; Enter on an empty line takes the default answer', async () => {
  const pb = join(dir, 'enter-default.yml');
  writeFileSync(pb, `- hosts: web1\n  gather_facts: false\n  tasks:\n    - pause:\n    - pause: {prompt: "Region", default: eu-west}\n      register: region\n    - copy: {content: "{{ region.user_input }}", dest: "${dir}/region-enter"}\n`);
  const s = screen(['play', pb, '-i', inv]);
  await s.waitFor('Press enter to continue, Ctrl+C to interrupt:');
  await sleep(500);
  assert.doesNotMatch(s.text(), /Region:/);
  s.keys('Enter');
  await s.waitFor('Region:');
  await sleep(500);
  assert.equal(existsSync(join(dir, 'region-enter')), false);
  s.keys('Enter');
  assert.equal(await s.exitCode(), 0);
  assert.equal(readFileSync(join(dir, 'region-enter'), 'utf8'), 'eu-west');
});

test('a timed pause counts down on the terminal; no terminal is needed for it', async () => {
  const pb = join(dir, 'timed.yml');
  writeFileSync(pb, '- hosts: web1\n  gather_facts: false\n  tasks:\n    - name: settle\n      pause: {seconds: 3}\n      register: waited\n    - debug: {var: waited.delta}\n');
  const s = screen(['play', pb, '-i', inv]);
  const left = /resuming in (\d)s · Ctrl-C to interrupt/;
  const first = Number(left.exec(await s.waitFor(left))![1]);
  await s.waitFor((text) => Number(left.exec(text)?.[1] ?? 99) < first, 10_000);
  assert.equal(await s.exitCode(), 0);
  assert.match(s.text(), /✔ TASK \[settle\]\s+ok=1/);
  assert.match(s.text(), /"waited.delta": 3/);
  const piped = await drover(['play', pb, '-i', inv]);
  assert.equal(piped.code, 0);
  assert.match(piped.stdout, /"waited.delta": 3/);
});

test('Ctrl-C at a prompt ends the run (exit 99, recap) before the gated task', async () => {
  const s = screen(['play', gate, '-i', inv, '-e', 'tag=ctrlc']);
  await s.waitFor('Type the cluster to deploy:');
  s.type('pro');
  s.keys('C-c');
  assert.equal(await s.exitCode(30_000), 99);
  assert.match(s.text(), /PLAY RECAP/);
  assert.doesNotMatch(s.text(), /TASK \[pin\]|TASK \[deploy\]/);
  assert.equal(existsSync(join(dir, 'deployed-web1-ctrlc')), false);
});
