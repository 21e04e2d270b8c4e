// cluster deploy's input checks that need no hosts: bad cluster vars and kubespray's old group
// names end with exit 5 and a message naming the file and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover } from '../../helpers/cli.js';

function inv(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'cluster-cli-')), 'inv.yml');
  writeFileSync(p, text);
  return p;
}

test('bad cluster vars are all reported, naming the file and the field, and nothing runs (exit 5)', async () => {
  const p = inv('all:\n  vars: {kube_version: v1.7.1, kube_pods_subnet: 10.233.0.0/16}\n  children:\n    etcd: {hosts: {a: {ansible_host: 10.9.0.1}}}\n    kube_control_plane: {hosts: {a: }}\n    kube_node: {hosts: {b: {ansible_host: 10.9.0.2}}}\n');
  const res = await drover(['cluster', 'deploy', '-i', p]);
  assert.equal(res.code, 5);
  assert.match(res.stderr, new RegExp(`ERROR! ${p}: kube_version: 'v1\\.7\\.1' is not a release`));
  assert.match(res.stderr, /kube_pods_subnet: '10\.233\.0\.0\/16' overlaps the service CIDR/);
});

test('kubespray\'s old group names are refused by deploy with the name to use, and read by status', async () => {
  const p = inv('all:\n  children:\n    etcd: {hosts: {a: {ansible_host: 10.9.0.1}}}\n    kube-master: {hosts: {a: }}\n    kube-node: {hosts: {b: {ansible_host: 10.9.0.2}}}\n');
  const res = await drover(['cluster', 'deploy', '-i', p]);
  assert.equal(res.code, 5);
  assert.match(res.stderr, /kube-master: kubespray's old group name; rename it to kube_control_plane/);
  assert.match(res.stderr, /kube-node: kubespray's old group name; rename it to kube_node/);
});

test('-l is refused by the cluster commands that act on the whole cluster, never accepted and ignored', async () => {
  const p = inv('all:\n  children:\n    etcd: {hosts: {a: {ansible_host: 10.9.0.1}}}\n    kube_control_plane: {hosts: {a: }}\n    kube_node: {hosts: {b: {ansible_host: 10.9.0.2}}}\n');
  const extra: Record<string, string[]> = { status: [], stop: ['--yes'], start: ['--yes'], guard: [], rollback: ['--node', 'b'] };
  for (const [verb, more] of Object.entries(extra)) {
    const res = await drover(['cluster', verb, '-i', p, '-l', 'b', ...more]);
    assert.equal(res.code, 5, `${verb}: ${res.stdout}${res.stderr}`);
    assert.match(res.stderr, /acts on the whole cluster; -l\/--limit is not supported here/);
  }
});
