// with_<lookup> loops, lookups in tasks and the magic variables (vars, ansible_managed,
// ansible_failed_task/ansible_failed_result), run by the real CLI over the local connection
// and by ansible-playbook on the same project: both traces must be equal line for line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { drover } from '../../helpers/cli.js';
import { hasAnsible } from '../../helpers/ansible.js';

const INVENTORY = '[web]\nweb1\n\n[all:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drover-lookups-'));
  for (const [name, text] of Object.entries({ 'inv.ini': INVENTORY, ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A task line appending `label item-as-json` to the trace (quoted for the shell). */
const traceItem = (label: string): string => `shell: printf '%s\\n' {{ ('${label} ' ~ (item | to_json)) | quote }} >> {{ out }}/trace`;
const traceText = (text: string): string => `shell: printf '%s\\n' {{ (${text}) | quote }} >> {{ out }}/trace`;

interface Run {
  code: number;
  trace: string;
  out: string;
  output: string;
}

function readTrace(out: string): string {
  return existsSync(join(out, 'trace')) ? readFileSync(join(out, 'trace'), 'utf8') : '';
}

function ansible(dir: string, args: string[]): Run {
  const out = mkdtempSync(join(dir, 'ansible-'));
  const res = spawnSync('ansible-playbook', ['-i', 'inv.ini', '-e', `out=${out}`, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOWS: '1', ANSIBLE_RETRY_FILES_ENABLED: 'false' } });
  return { code: res.status ?? 1, trace: readTrace(out), out, output: res.stdout + res.stderr };
}

async function drv(dir: string, args: string[]): Promise<Run> {
  const out = mkdtempSync(join(dir, 'drover-'));
  const res = await drover(['play', '-i', 'inv.ini', '-e', `out=${out}`, ...args], { cwd: dir });
  return { code: res.code, trace: readTrace(out), out, output: res.stdout + res.stderr };
}

/** Drover's trace must be `expect`, and so must Ansible's. */
async function same(dir: string, args: string[], expect: string, code = 0): Promise<Run> {
  const d = await drv(dir, args);
  assert.equal(d.trace, expect, `drover\n${d.output}`);
  assert.equal(d.code, code, d.output);
  if (hasAnsible) {
    const a = ansible(dir, args);
    assert.equal(a.trace, expect, `ansible-playbook\n${a.output}`);
    assert.equal(a.code, code, a.output);
  }
  return d;
}

const FILES = {
  'files/a.txt': 'content A\n',
  'files/one.conf': 'x\n',
  'files/app.ini': '[global]\nuser = alice\n[db]\nhost = db1\n',
  'templates/t.j2': 'T {{ who }} {{ item | default("-") }}\n',
};

test('every with_<lookup> form loops over that lookup, as ansible-playbook does', async () => {
  const tasks = [
    ['items', '[a, [b, c]]'],
    ['items', '"{{ d }}"'],
    ['items', 'abc'],
    ['list', '[a, [b, c]]'],
    ['indexed_items', '[x, [y, z]]'],
    ['dict', '"{{ d }}"'],
    ['sequence', 'start=1 end=3 format=n%02d'],
    ['sequence', '"2-6/2"'],
    ['nested', '[[a, b], [1, 2]]'],
    ['together', '[[1, 2], [a]]'],
    ['subelements', '["{{ users }}", keys, {skip_missing: true}]'],
    ['flattened', '[1, [2, [3]]]'],
    ['fileglob', '"*.conf"'],
    ['lines', '"printf \'l1\\nl2\\n\'"'],
    ['pipe', '[echo one, echo two, pwd]'],
    ['file', 'a.txt'],
    ['template', 't.j2'],
    ['vars', '[who]'],
    ['env', 'HOME'],
    ['ini', '"user section=global file=app.ini"'],
    ['random_choice', '[only]'],
    ['config', 'DEFAULT_BECOME_USER'],
  ];
  const body = tasks.map(([kind, value]) => `    - ${traceItem(kind!)}\n      with_${kind}: ${value}\n`).join('');
  const firstFound = `    - ${traceText("'first_found ' ~ (item | basename)")}\n      with_first_found: ['{{ undefined_x }}.conf', nope.txt, one.conf]\n`;
  const play = `- hosts: web\n  gather_facts: false\n  vars:\n    who: world\n    d: {b: 2, a: 1}\n    users:\n      - {name: al, keys: [k1, k2]}\n      - {name: bo}\n  tasks:\n${body}${firstFound}`;
  const dir = project({ ...FILES, 'site.yml': play });
  const home = JSON.stringify(process.env.HOME ?? '');
  const expect = [
    'items "a"', 'items "b"', 'items "c"', 'items "b"', 'items "a"', 'items "abc"',
    'list "a"', 'list ["b", "c"]',
    'indexed_items [0, "x"]', 'indexed_items [1, "y"]', 'indexed_items [2, "z"]',
    'dict {"key": "b", "value": 2}', 'dict {"key": "a", "value": 1}',
    'sequence "n01"', 'sequence "n02"', 'sequence "n03"', 'sequence "2"', 'sequence "4"', 'sequence "6"',
    'nested ["a", 1]', 'nested ["a", 2]', 'nested ["b", 1]', 'nested ["b", 2]',
    'together [1, "a"]', 'together [2, null]',
    'subelements [{"name": "al"}, "k1"]', 'subelements [{"name": "al"}, "k2"]',
    'flattened 1', 'flattened 2', 'flattened 3',
    `fileglob ${JSON.stringify(join(dir, 'files/one.conf'))}`,
    'lines "l1"', 'lines "l2"',
    'pipe "one"', 'pipe "two"', `pipe ${JSON.stringify(dir)}`,
    'file "content A"',
    'template "T world -\\n"',
    'vars "world"',
    `env ${home}`,
    'ini "alice"',
    'random_choice "only"',
    'config "root"',
    'first_found one.conf',
  ];
  await same(dir, ['site.yml'], `${expect.join('\n')}\n`);
});

test('with_<name> that is no lookup is refused at load, naming the file and line; with_url is refused', async () => {
  for (const kind of ['with_nosuch', 'with_url']) {
    const dir = project({ 'site.yml': `- hosts: web\n  gather_facts: false\n  tasks:\n    - debug: {msg: x}\n      ${kind}: [a]\n` });
    const d = await drv(dir, ['site.yml']);
    assert.notEqual(d.code, 0, d.output);
    assert.match(d.output, new RegExp(`'${kind}' is not supported`), d.output);
    assert.match(d.output, /site\.yml.*(line )?5/, d.output);
  }
});

test('include_tasks with_items runs the file once per item through the lookup', async () => {
  const dir = project({
    'inc.yml': `- ${traceText("'inc ' ~ (item | to_json)")}\n`,
    'site.yml': '- hosts: web\n  gather_facts: false\n  tasks:\n    - include_tasks: inc.yml\n      with_items: [[a, b], c]\n    - include_tasks: inc.yml\n      with_dict: {k: v}\n',
  });
  await same(dir, ['site.yml'], 'inc "a"\ninc "b"\ninc "c"\ninc {"key": "k", "value": "v"}\n');
});

test('magic vars: vars (its members untemplated, as in Ansible), ansible_managed in templates only, ansible_failed_task/result in rescue, a lookup defaulting to omit', async () => {
  const play = `- hosts: web
  gather_facts: false
  vars:
    who: world
    greeting: "hi {{ who }}"
  tasks:
    - ${traceText("'vars ' ~ vars.greeting ~ ' ' ~ vars['who']")}
    - ${traceText("'managed ' ~ (ansible_managed | default('undefined'))")}
    - ${traceText("'lookup ' ~ lookup('template', 'm.j2')")}
    - template: {src: m.j2, dest: "{{ out }}/m.txt"}
    - shell: cat {{ out }}/m.txt >> {{ out }}/trace
    - block:
        - name: breaks here
          command: /bin/false
      rescue:
        - ${traceText("'failed ' ~ ansible_failed_task.name ~ ' ' ~ ansible_failed_task.action ~ ' rc=' ~ ansible_failed_result.rc")}
    - ${traceText("'after ' ~ ansible_failed_task.name")}
    - debug: {msg: "{{ lookup('vars', 'nope', default=omit) }}"}
      register: omitted
    - ${traceText("'omit ' ~ omitted.msg")}
    - ${traceText("'hostvars ' ~ ('vars' in hostvars[inventory_hostname]) ~ ' ' ~ ('who' in vars)")}
`;
  const dir = project({ 'templates/m.j2': '# {{ ansible_managed }}\n', 'site.yml': play });
  await same(dir, ['site.yml'], 'vars hi {{ who }} world\nmanaged undefined\nlookup # Ansible managed\n\n# Ansible managed\nfailed breaks here command rc=1\nafter breaks here\nomit Hello world!\nhostvars False True\n');
});

test('a password lookup creates its file once, 0600, and its value is masked in the output', async () => {
  const play = `- hosts: web
  gather_facts: false
  tasks:
    - debug: {msg: "pw={{ lookup('password', 'creds/app length=18 chars=ascii_letters') }}"}
    - debug: {msg: "again={{ item }}"}
      with_password: creds/app
`;
  const dir = project({ 'site.yml': play });
  const d = await drv(dir, ['site.yml']);
  assert.equal(d.code, 0, d.output);
  const pw = readFileSync(join(dir, 'creds/app'), 'utf8').trim();
  assert.match(pw, /^[A-Za-z]{18}$/);
  assert.equal(statSync(join(dir, 'creds/app')).mode & 0o777, 0o600);
  assert.ok(!d.output.includes(pw), d.output);
  assert.match(d.output, /pw=\*+|pw=.*(MASKED|\*\*\*)/, d.output);
  // a second run reads the same file: the password does not change
  const again = await drv(dir, ['site.yml']);
  assert.equal(again.code, 0, again.output);
  assert.equal(readFileSync(join(dir, 'creds/app'), 'utf8').trim(), pw);
});

test('magic vars: ansible_play_role_names and role_names list the roles the play names (not their dependencies)', async () => {
  const dir = project({
    'roles/base/tasks/main.yml': `- ${traceText("'base ' ~ (ansible_play_role_names | to_json)")}\n`,
    'roles/web/meta/main.yml': 'dependencies: [base]\n',
    'roles/web/tasks/main.yml': `- ${traceText("'web ' ~ (role_names | to_json)")}\n`,
    'roles/db/tasks/main.yml': '- debug: {msg: db}\n',
    'site.yml': `- hosts: web\n  gather_facts: false\n  roles:\n    - web\n    - {role: db}\n  tasks:\n    - ${traceText("'play ' ~ (ansible_play_role_names | to_json)")}\n`,
  });
  await same(dir, ['site.yml'], 'base ["web", "db"]\nweb ["web", "db"]\nplay ["web", "db"]\n');
});
