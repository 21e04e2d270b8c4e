// cluster upgrade's input checks that need no hosts: --plan is a pure function of the
// inventory and the options (it prints with every host unreachable), a bad --batch and
// kubespray's old group names are refused with exit 5, and so is --resume with nothing to resume.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover } from '../../helpers/cli.js';

const dirs: string[] = [];

function inv(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'upgrade-cli-'));
  dirs.push(dir);
  const p = join(dir, 'inv.yml');
  writeFileSync(p, text);
  return p;
}

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CLUSTER = 'all:\n  vars: {kube_version: v1.5.8, apiserver_vip: 192.0.2.250}\n  children:\n    etcd: {hosts: {cp1: {ansible_host: 192.0.2.1}}}\n    kube_control_plane: {hosts: {cp1: }}\n    kube_node: {hosts: {n1: {ansible_host: 192.0.2.11}, n2: {ansible_host: 192.0.2.12}, n3: {ansible_host: 192.0.2.13}}}\n';

test('--plan prints the canary and the batches per node without reaching any host', async () => {
  const res = await drover(['cluster', 'upgrade', '-i', inv(CLUSTER), '--to', 'v1.6.13', '--plan', '--batch', '50%', '--strategy', 'drain']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /PLAN cluster upgrade v1\.5\.8 -> v1\.6\.13, strategy drain/);
  assert.match(res.stdout, /canary: n1 \(at once; stop when failures > 0\)/);
  assert.match(res.stdout, /batch 1: n2, n3 \(at once; stop when failures > 0\)/);
  assert.match(res.stdout, /n3: drain \(k8s_drain: evict every pod\)/);
  assert.match(res.stdout, /n3: uncordon/);
});

test('a bad --batch and kubespray\'s old group names are refused with exit 5', async () => {
  const bad = await drover(['cluster', 'upgrade', '-i', inv(CLUSTER), '--to', 'v1.6.13', '--plan', '--batch', '0']);
  assert.equal(bad.code, 5, bad.stderr);
  assert.match(bad.stderr, /--batch '0' is neither a positive count nor a percentage/);
  const old = await drover(['cluster', 'upgrade', '-i', inv(CLUSTER.replace('kube_control_plane', 'kube-master')), '--to', 'v1.6.13', '--plan']);
  assert.equal(old.code, 5, old.stderr);
  assert.match(old.stderr, /kube-master: kubespray's old group name; rename it to kube_control_plane/);
});

test('--resume with no journal to resume (or with --fresh) is refused with exit 5 before any host is reached', async () => {
  const none = await drover(['cluster', 'upgrade', '-i', inv(CLUSTER), '--to', 'v1.6.13', '--resume']);
  assert.equal(none.code, 5, none.stderr);
  assert.match(none.stderr, /nothing to resume: no journal at .*\.drover-upgrade\/.*journal\.jsonl; run without --resume/);
  const fresh = await drover(['cluster', 'upgrade', '-i', inv(CLUSTER), '--to', 'v1.6.13', '--resume', '--fresh']);
  assert.equal(fresh.code, 5, fresh.stderr);
  assert.match(fresh.stderr, /nothing to resume: --fresh discards the journal/);
});

test('the storage step refuses the rollout flags it would ignore, and -l, with exit 5 before any host is reached', async () => {
  for (const extra of [['--canary', '2'], ['--plan'], ['--batch=50%'], ['-f', '3'], ['-l', 'cp1']]) {
    const res = await drover(['cluster', 'upgrade', '-i', inv(CLUSTER), '--storage-media-type', 'application/vnd.kubernetes.protobuf', ...extra]);
    assert.equal(res.code, 5, `${extra.join(' ')}: ${res.stdout}${res.stderr}`);
    assert.match(res.stderr, extra[0] === '-l' ? /-l\/--limit is not supported here/ : /--storage-media-type does not take --(canary|plan|batch|forks)/);
  }
});
