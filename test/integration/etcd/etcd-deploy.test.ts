// The shipped etcd playbook over ssh builds a real 3-member TLS cluster (Debian's etcd 3.4)
// on the test fleet, and is idempotent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet } from '../../fleet/fleet.js';
import { makeEtcdPki } from '../../fleet/etcd-pki.js';
import { drover, jsonSummary, ROOT } from '../../helpers/cli.js';

test('playbooks/etcd/deploy.yml: a healthy TLS cluster that replicates, changed=0 on the second run', async () => {
  const fleet = await startFleet({ hosts: 3, name: 'etcd', subnet: 9 });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'drover-etcd-'));
    makeEtcdPki(join(dir, 'pki'), fleet.hosts.map((h) => ({ name: h.name, ip: h.ip })));
    const inv = join(dir, 'inv.yml');
    writeFileSync(inv, readFileSync(fleet.inventoryYaml, 'utf8').replace('    fleet:', '    etcd:'));
    const args = ['play', join(ROOT, 'playbooks', 'etcd', 'deploy.yml'), '-i', inv, '-e', `etcd_pki_src=${join(dir, 'pki')}`, '-e', 'cluster_token=itest', '--json'];
    const first = await drover(args, { timeoutMs: 180_000 });
    assert.equal(first.code, 0, first.stdout.slice(-3000));
    const put = fleet.exec('host1', '. /root/etcdctl.env && etcdctl put /drover/probe replicated');
    assert.equal(put.stdout.trim(), 'OK', put.stderr);
    const get = fleet.exec('host3', '. /root/etcdctl.env && ETCDCTL_ENDPOINTS=https://' + fleet.hosts[2]!.ip + ':2379 etcdctl get /drover/probe --print-value-only');
    assert.equal(get.stdout.trim(), 'replicated');
    const members = JSON.parse(fleet.exec('host2', '. /root/etcdctl.env && etcdctl member list -w json').stdout);
    assert.deepEqual(members.members.map((m: { name: string }) => m.name).sort(), ['host1', 'host2', 'host3']);
    // plain http or a client without a certificate is refused: TLS with client auth is really on
    assert.notEqual(fleet.exec('host1', `ETCDCTL_API=3 etcdctl --endpoints=https://${fleet.hosts[0]!.ip}:2379 --cacert /etc/etcd/pki/ca.crt --dial-timeout=2s --command-timeout=3s get /drover/probe`).rc, 0);
    const second = await drover(args, { timeoutMs: 120_000 });
    for (const [h, st] of Object.entries(jsonSummary(second.stdout).stats)) assert.equal(st.changed, 0, `changed=0 on ${h}`);
  } finally {
    await fleet.stop();
  }
});
