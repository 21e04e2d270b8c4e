// Side by side with real Ansible: the same playbook under `ansible-playbook -c local` and
// `drover play -c local` must leave the same files and the same per-host recap counts,
// and a second Drover run must report changed=0 where the playbook is idempotent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover, jsonSummary, ROOT } from '../../helpers/cli.js';
import { ansiblePlaybook, hasAnsible } from '../../helpers/ansible.js';
import { snapshotTree } from '../../helpers/tree.js';

const FIX = join(ROOT, 'test', 'fixtures', 'parity');

interface Case {
  name: string;
  playbook: string;
  inventory?: string;
  idempotent: boolean;
  /** Drover's expected exit code (Ansible's is checked to agree). */
  exit: number;
}

const CASES: Case[] = [
  { name: 'shipped local demo', playbook: join(ROOT, 'playbooks', 'examples', 'local-demo.yml'), idempotent: true, exit: 0 },
  { name: 'file modules', playbook: join(FIX, 'files.yml'), idempotent: false, exit: 0 },
  { name: 'control flow', playbook: join(FIX, 'control.yml'), idempotent: false, exit: 0 },
  { name: 'roles and import_playbook', playbook: join(FIX, 'roles.yml'), idempotent: true, exit: 0 },
  { name: 'several hosts, serial, run_once, max_fail_percentage', playbook: join(FIX, 'multi.yml'), inventory: join(FIX, 'multi.ini'), idempotent: false, exit: 2 },
];

for (const c of CASES) {
  test(`parity with ansible-playbook: ${c.name}`, { skip: hasAnsible ? false : 'ansible-playbook is not installed' }, async () => {
    const base = mkdtempSync(join(tmpdir(), 'drover-parity-'));
    try {
      const aDir = join(base, 'ansible');
      const dDir = join(base, 'drover');
      const inv = c.inventory ? ['-i', c.inventory] : ['-i', 'localhost,'];
      const dInv = c.inventory ? ['-i', c.inventory] : [];
      // two rounds: the second shows the same idempotency (or lack of it) as Ansible's
      for (const round of [1, 2]) {
        const ans = ansiblePlaybook([...inv, '-c', 'local', c.playbook, '-e', `demo_dir=${aDir}`], FIX);
        const res = await drover(['play', c.playbook, ...dInv, '-c', 'local', '-e', `demo_dir=${dDir}`, '--json']);
        const summary = jsonSummary(res.stdout);
        assert.equal(res.code, c.exit, `drover exit code (round ${round})\n${res.stderr}`);
        assert.equal(ans.code, c.exit, `ansible exit code agrees (round ${round})`);
        assert.deepEqual(summary.stats, ans.stats, `per-host recap counts equal Ansible's (round ${round})`);
        assert.deepEqual(snapshotTree(dDir), snapshotTree(aDir), `same files, modes and contents as Ansible (round ${round})`);
        if (round === 2 && c.idempotent) {
          for (const [host, st] of Object.entries(summary.stats)) assert.equal(st.changed, 0, `second run changed=0 on ${host}`);
        }
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
}

test('--check changes nothing on disk', async () => {
  const base = mkdtempSync(join(tmpdir(), 'drover-check-'));
  try {
    const dir = join(base, 'demo');
    const res = await drover(['play', join(ROOT, 'playbooks', 'examples', 'local-demo.yml'), '-c', 'local', '--check', '-e', `demo_dir=${dir}`, '--json']);
    const s = jsonSummary(res.stdout);
    assert.ok(s.stats.localhost!.changed > 0, 'check mode still predicts changes');
    assert.equal(existsSync(dir), false, 'nothing was created');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
