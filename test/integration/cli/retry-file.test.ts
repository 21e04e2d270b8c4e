// --retry-file: the failed and unreachable hosts of a run, one per line, written atomically,
// and `-l @file` running exactly those again. The real CLI; local hosts plus one ssh host
// at an address of this test's subnet where nothing listens (unreachable at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover, jsonSummary } from '../../helpers/cli.js';

interface Setup {
  dir: string;
  pb: string;
  inv: string;
  /** The same hosts without the unreachable one. */
  invUp: string;
}

function setup(): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'drover-retry-'));
  const pb = join(dir, 'site.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: web2 fails until fixed
      fail: {msg: broken}
      when: inventory_hostname == 'web2' and not (fixed | default(false) | bool)
    - name: web3 fails, ignored
      fail: {msg: ignored}
      when: inventory_hostname == 'web3'
      ignore_errors: true
    - name: web1 fails, rescued
      block:
        - fail: {msg: rescued}
          when: inventory_hostname == 'web1'
      rescue:
        - debug: {msg: rescued}
    - name: mark
      copy: {content: "{{ inventory_hostname }}", dest: "${dir}/ran-{{ inventory_hostname }}"}
`,
  );
  const hosts = '[web]\nweb1\nweb2\nweb3\n\n[web:vars]\nansible_connection=local\n';
  const inv = join(dir, 'inv.ini');
  writeFileSync(inv, `${hosts}\n[gone]\nghost ansible_host=127.27.0.99 ansible_user=root\n`);
  const invUp = join(dir, 'up.ini');
  writeFileSync(invUp, hosts);
  return { dir, pb, inv, invUp };
}

test('--retry-file writes NAME.retry beside the playbook with the failed and unreachable hosts, atomically', async () => {
  const { dir, pb, inv } = setup();
  const retry = join(dir, 'site.retry');
  // a stale retry file with a second name (hard link): an atomic rename leaves that inode as it was
  writeFileSync(retry, 'stale\n');
  linkSync(retry, join(dir, 'stale-link'));
  const res = await drover(['play', pb, '-i', inv, '--retry-file']);
  assert.equal(res.code, 2, res.stderr + res.stdout);
  assert.equal(readFileSync(retry, 'utf8'), 'ghost\nweb2\n');
  assert.equal(readFileSync(join(dir, 'stale-link'), 'utf8'), 'stale\n');
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
  assert.match(res.stderr, new RegExp(`retry file: ${retry.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(2 hosts; run them again with -l @`));
});

test('-l @site.retry runs exactly those hosts; a run with no failure removes the retry file', async () => {
  const { dir, pb, inv, invUp } = setup();
  const retry = join(dir, 'site.retry');
  const first = await drover(['play', pb, '-i', inv, '--retry-file']);
  assert.equal(first.code, 2, first.stderr);
  for (const h of ['web1', 'web2', 'web3', 'ghost']) assert.equal(existsSync(join(dir, `ran-${h}`)), h === 'web1' || h === 'web3', h);
  // web2 fixed, ghost still gone: only those two run, and the file is rewritten with ghost alone
  const again = await drover(['play', pb, '-i', inv, '-l', `@${retry}`, '-e', 'fixed=true', '--retry-file', '--json']);
  assert.equal(again.code, 4, again.stderr);
  assert.deepEqual(Object.keys(jsonSummary(again.stdout).stats).sort(), ['ghost', 'web2']);
  assert.equal(existsSync(join(dir, 'ran-web2')), true);
  assert.equal(readFileSync(retry, 'utf8'), 'ghost\n');
  // with web2 alone to retry and every host up, full success removes the retry file
  writeFileSync(retry, 'web2\n');
  const last = await drover(['play', pb, '-i', invUp, '-l', `@${retry}`, '-e', 'fixed=true', '--retry-file', '--json']);
  assert.equal(last.code, 0, last.stderr);
  assert.deepEqual(Object.keys(jsonSummary(last.stdout).stats), ['web2']);
  assert.equal(existsSync(retry), false);
});

test('--retry-file-path and a configured save dir choose where; without the flag nothing is written', async () => {
  const { dir, pb, inv } = setup();
  const none = await drover(['play', pb, '-i', inv]);
  assert.equal(none.code, 2);
  assert.equal(existsSync(join(dir, 'site.retry')), false);
  const custom = join(dir, 'failed-hosts.txt');
  const byPath = await drover(['play', pb, '-i', inv, '--retry-file-path', custom]);
  assert.equal(byPath.code, 2);
  assert.equal(readFileSync(custom, 'utf8'), 'ghost\nweb2\n');
  const saveDir = join(dir, 'retries');
  mkdirSync(saveDir);
  for (const env of ['DROVER_RETRY_FILES_SAVE_PATH', 'ANSIBLE_RETRY_FILES_SAVE_PATH']) {
    const res = await drover(['play', pb, '-i', inv, '--retry-file'], { env: { [env]: saveDir } });
    assert.equal(res.code, 2);
    assert.equal(readFileSync(join(saveDir, 'site.retry'), 'utf8'), 'ghost\nweb2\n', env);
    writeFileSync(join(saveDir, 'site.retry'), '');
  }
  assert.equal(existsSync(join(dir, 'site.retry')), false);
});
