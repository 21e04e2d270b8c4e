// YAML that Ansible refuses and Drover once read silently wrong: the real CLI must exit 5
// naming file:line:col, with nothing run, for playbooks, vars files and inventories alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover } from '../../helpers/cli.js';

function write(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function markerTask(dir: string): string {
  return `    - name: leave a marker
      copy: {content: ran, dest: ${dir}/marker}
`;
}

test('an unquoted {{ x }} value: exit 5 at the brace (file:line:col, as ansible-playbook), with the quoting hint; nothing runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-yaml-errors-'));
  // ansible-playbook 2.14 on this file: "line 7, column 15 ... looks like it might be an issue with missing quotes"
  const pb = write(dir, 'site.yml', `- hosts: localhost
  gather_facts: false
  tasks:
${markerTask(dir)}    - debug:
        msg: {{ greeting }}
`);
  const res = await drover(['play', pb, '-c', 'local']);
  assert.equal(res.code, 5, res.stdout + res.stderr);
  assert.match(res.stderr, new RegExp(`${pb.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:7:15: YAML syntax error: found unacceptable key .*unquoted \\{\\{ template \\}\\}`));
  assert.match(res.stderr, /hint: always quote a template expression that starts a value: write `key: "\{\{ x \}\}"`/);
  assert.equal(existsSync(join(dir, 'marker')), false);
});

test('a second YAML document, a !vault value and y: as a key, in playbooks, vars files and inventories', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-yaml-errors-'));
  const play = (extra = ''): string => `- hosts: localhost
  gather_facts: false${extra}
  tasks:
${markerTask(dir)}`;
  // a second document was silently dropped: now an error at its ---
  const two = await drover(['play', write(dir, 'two.yml', `${play()}---\n- hosts: localhost\n  tasks: []\n`), '-c', 'local']);
  assert.equal(two.code, 5, two.stdout);
  assert.match(two.stderr, /two\.yml:6:1: YAML syntax error: expected a single document in the stream, but found another document/);
  // !vault in a vars file: Drover says it has no vault instead of reading an empty string
  write(dir, 'secrets.yml', 'user: app\npassword: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3633\n');
  const vault = await drover(['play', write(dir, 'vault.yml', play('\n  vars_files: [secrets.yml]')), '-c', 'local']);
  assert.equal(vault.code, 5, vault.stdout);
  assert.match(vault.stderr, /secrets\.yml:2:11: Drover has no vault support/);
  assert.equal(existsSync(join(dir, 'marker')), false);
  // an inventory var y: stays the key 'y' (it was the key 'true') and n stays the string 'n'
  const inv = write(dir, 'hosts.yml', 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      coords: {x: 1, y: 2}\n      answer: n\n');
  const shown = await drover(['play', write(dir, 'show.yml', `- hosts: localhost
  gather_facts: false
  tasks:
    - debug:
        msg: "{{ coords.y }} {{ answer }} {{ answer is string }}"
`), '-i', inv]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /"msg": "2 n True"/);
});
