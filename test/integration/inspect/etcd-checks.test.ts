// The etcd-member check on a deployed 3-member TLS etcd (playbooks/etcd/deploy.yml on a loopback
// fleet): healthy everywhere; a stopped member is critical on its host while the others keep a
// leader; a DB over the quota set for the group fails; both pass once removed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDrillCluster, type DrillCluster } from '../etcd/drill-cluster.js';
import { failures, inspectJson } from './inspect-fleet.js';

let c: DrillCluster;

before(async () => {
  c = await startDrillCluster({ name: 'inspect-etcd', subnet: 64, hosts: 3, token: 'inspect-etcd' });
});

after(async () => {
  await c?.fleet.stop();
});

const etcdOnly = ['--only', 'etcd-member'];

test('a healthy cluster passes: every member up, a leader, 3 members, no alarms', async () => {
  const inv = c.writeInventory(join(c.dir, 'i1.yml'), { etcd: ['host1', 'host2', 'host3'] }, 'inspect_overrides: {etcd-member: {expected_members: 3}}');
  const { res, findings } = await inspectJson(['-i', inv, ...etcdOnly]);
  assert.deepEqual(failures(findings), []);
  assert.equal(res.code, 0, res.stderr);
  for (const h of ['host1', 'host2', 'host3']) {
    const mine = Object.fromEntries(findings.filter((f) => f.host === h && f.check === 'etcd-member').map((f) => [f.item, f.value]));
    assert.deepEqual(Object.keys(mine).sort(), ['alarms', 'db-size', 'health', 'leader', 'members']);
    assert.deepEqual([mine.health, mine.leader, mine.alarms, mine.members], ['up', 'known', '0', '3']);
    assert.ok(Number(mine['db-size']) >= 0 && Number(mine['db-size']) < 1, `db-size ${mine['db-size']} % of 2 GiB`);
  }
});

test('a stopped member is critical on its host; the others still see a leader; started again, it passes', async () => {
  const inv = c.writeInventory(join(c.dir, 'i2.yml'), { etcd: ['host1', 'host2', 'host3'] });
  assert.equal(c.fleet.exec('host3', 'systemctl stop etcd').rc, 0);
  let r = await inspectJson(['-i', inv, ...etcdOnly]);
  assert.deepEqual(failures(r.findings), ['etcd-member host3 health critical']);
  assert.equal(r.res.code, 2);
  assert.equal(c.fleet.exec('host3', 'systemctl start etcd').rc, 0);
  for (let i = 0; i < 30 && c.etcdctl('host3', 'endpoint health').rc !== 0; i++) await new Promise((res) => setTimeout(res, 500));
  r = await inspectJson(['-i', inv, ...etcdOnly]);
  assert.deepEqual(failures(r.findings), []);
});

test('DB size against a quota set for the group: over it is critical on every member', async () => {
  const inv = c.writeInventory(join(c.dir, 'i3.yml'), { etcd: ['host1', 'host2', 'host3'] }, 'inspect_overrides: {etcd-member: {quota_bytes: 4096}}');
  const r = await inspectJson(['-i', inv, ...etcdOnly]);
  assert.deepEqual(failures(r.findings), ['etcd-member host1 db-size critical', 'etcd-member host2 db-size critical', 'etcd-member host3 db-size critical']);
});
