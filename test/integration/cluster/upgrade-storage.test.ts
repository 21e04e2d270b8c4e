// Storage during and after `drover cluster upgrade`: a probe reads objects created under 1.5
// through EACH apiserver directly (not the VIP) during the rolling control-plane step, and no
// 1.5 apiserver ever fails to read one (storage stays JSON, even with -e asking for protobuf);
// the separate one-way protobuf step is refused while anything is 1.5, then switches each
// apiserver in turn; a 1.5 apiserver put back afterwards fails reads, which the probe catches.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jsonEvents } from '../../helpers/cli.js';
import { downOutsideOwnRestart, mixedReads, PROBE_WRITE_PREFIX, startApiserverProbe, summarise } from './apiserver-probe-harness.js';
import { hubDrover } from './cluster-harness.js';
import { unitActions } from './maintenance-harness.js';
import { CP, createPods, deployedWorld, installedVersions, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
let w: UpgradeWorld;
/** The same inventory once the upgrade is done: kube_version says v1.6.13. */
let inv16: string;

before(async () => {
  w = await deployedWorld(70, 'u1-upgrade-storage', false, ['node1']);
  await createPods(w, 1);
  const cm = (name: string): object => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { created: 'under 1.5' } });
  const objects = { apiVersion: 'v1', kind: 'List', items: [...CP.map((h) => cm(`${PROBE_WRITE_PREFIX}${h}`)), cm('u1-config'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'u1-secret', namespace: 'default' }, type: 'Opaque', data: { password: Buffer.from('not-a-real-one').toString('base64') } }] };
  writeFileSync(join(w.dir, 'objects.json'), JSON.stringify(objects));
  const r = w.kubectl(['create', '--validate=false', '-f', join(w.dir, 'objects.json')]);
  assert.equal(r.rc, 0, r.stderr);
  // cp3's 1.5 apiserver kept aside, to put it back after the protobuf step (the last test)
  assert.equal(w.fleet.exec('cp3', 'cp /usr/local/bin/kube-apiserver /root/kube-apiserver-v1.5.8 && cp /etc/systemd/system/kube-apiserver.service /root/kube-apiserver-v1.5.8.service').rc, 0);
  inv16 = join(w.dir, 'cluster-v16.yml');
  writeFileSync(inv16, readFileSync(w.inv, 'utf8').replace('"kube_version":"v1.5.8"', '"kube_version":"v1.6.13"'));
});

after(async () => {
  await stopWorld(w);
});

const unitMedia = (h: string): string => /--storage-media-type=(\S+)/.exec(w.fleet.exec(h, 'cat /etc/systemd/system/kube-apiserver.service').stdout)?.[1] ?? '(none)';
const backups = (): string => join(w.dir, '.drover-upgrade', 'cluster.local', 'etcd-backups');
/** The first 4 bytes etcd holds for an object, in hex. */
const storedPrefix = (key: string): string => w.fleet.exec('cp1', `. /root/etcdctl.env && etcdctl get ${key} --print-value-only | head -c 4 | od -An -tx1`).stdout.trim();

test('the protobuf step is refused (exit 5, nothing changed) while the inventory or any apiserver is still 1.5, with --to, or for JSON', async () => {
  const step = ['--storage-media-type', PROTOBUF];
  const at15 = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, ...step]);
  assert.equal(at15.code, 5, at15.stdout + at15.stderr);
  assert.match(at15.stderr, /\[version\] inventory: kube_version is v1\.5\.8: a 1\.5 apiserver cannot decode protobuf/);
  // the inventory already says 1.6, the apiservers do not
  const lying = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', inv16, ...step]);
  assert.equal(lying.code, 5, lying.stdout + lying.stderr);
  assert.doesNotMatch(lying.stderr, /\[version\] inventory/);
  for (const h of CP) assert.match(lying.stderr, new RegExp(`\\[version\\] ${h}: its apiserver runs v1\\.5\\.8: a 1\\.5 apiserver cannot decode protobuf`));
  const withTo = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', inv16, '--to', 'v1.6.13', ...step]);
  assert.equal(withTo.code, 5, withTo.stderr);
  assert.match(withTo.stderr, /--storage-media-type is a separate step/);
  const json = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', inv16, '--storage-media-type', 'application/json']);
  assert.equal(json.code, 5, json.stderr);
  assert.match(json.stderr, /the only storage step is the one-way switch/);
  assert.deepEqual(CP.map(unitMedia), CP.map(() => 'application/json'));
  assert.deepEqual(Object.values(installedVersions(w)), [...CP, 'node1'].map(() => 'Kubernetes v1.5.8'));
  assert.ok(!existsSync(backups()), 'no backup: refused before anything');
});

test('rolling control-plane upgrade: every 1.5 apiserver reads every object the whole time (probe on each apiserver, not the VIP)', async () => {
  const probe = startApiserverProbe(w, CP);
  // every apiserver seen answering (as 1.5) before the upgrade starts
  await probe.until((x) => CP.every((h) => x.filter((y) => y.host === h && y.kind === 'ok').length >= 6), 90_000);
  // -e asks for protobuf: while 1.5 apiservers may read, the upgrade pins JSON anyway
  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--strategy', 'control-plane-only', '--json', '-e', `kube_storage_media_type=${PROTOBUF}`]);
  await sleep(3000);
  const samples = await probe.stop();
  assert.equal(res.code, 0, res.stdout.slice(-4000) + res.stderr);
  const sum = summarise(samples);
  for (const h of CP) {
    const s = sum[h]!;
    assert.deepEqual([...s.decode, ...s.http], [], `${h}: no decode error and no error status, whatever the version`);
    assert.deepEqual(s.versions, ['v1.5.8', 'v1.6.13'], `${h} answered as 1.5, then as 1.6`);
    assert.deepEqual(downOutsideOwnRestart(samples, h, 'v1.5.8', 'v1.6.13'), [], `${h} was down only during its own restart`);
  }
  const mixed = mixedReads(samples, 'v1.5.8', 'v1.6.13');
  assert.ok(mixed > 0, 'reads on 1.5 apiservers while a 1.6 one was already serving');
  assert.deepEqual(CP.map(unitMedia), CP.map(() => 'application/json'), 'JSON pinned despite -e');
  const failedOn15 = samples.filter((x) => x.version === 'v1.5.8' && x.kind !== 'ok');
  console.log(`# per-apiserver probe during the 3-host rolling upgrade: ${samples.length} requests; ${CP.map((h) => `${h} ${sum[h]!.requests} requests, ${sum[h]!.ok} ok, ${sum[h]!.down} refused/reset during its own restart (window ${(sum[h]!.downWindowMs / 1000).toFixed(1)} s)`).join('; ')}; ${mixed} reads answered by a 1.5 apiserver while a 1.6 one served; decode errors 0; non-ok answers from a 1.5 apiserver: ${failedOn15.length} (all 'down' in its own restart)`);
});

test('the one-way protobuf step: each apiserver in turn with the gates, recorded as one-way; new writes carry k8s\\0, 1.6 reads both', async () => {
  const probe = startApiserverProbe(w, CP);
  await probe.until((x) => CP.every((h) => x.some((y) => y.host === h && y.kind === 'ok')), 90_000);
  // from now on each host's systemctl logs the units it is told to stop, start or restart
  for (const h of CP) w.fleet.exec(h, 'touch /var/log/systemctl.log');
  const t0 = Date.now();
  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', inv16, '--storage-media-type', PROTOBUF, '--json']);
  const wall = (Date.now() - t0) / 1000;
  await sleep(2000);
  const samples = await probe.stop();
  assert.equal(res.code, 0, res.stdout.slice(-4000) + res.stderr);
  const ev = jsonEvents(res.stdout);
  assert.deepEqual(ev.filter((e) => e.type === 'upgrade_storage_host').map((e) => [e.host, e.ok]), CP.map((h) => [h, true]));
  const rec = ev.find((e) => e.type === 'upgrade_storage')!;
  assert.equal(rec.oneWay, true);
  assert.match(String(rec.why), /cannot be rolled back to 1\.5/);
  const file = JSON.parse(readFileSync(join(w.dir, '.drover-upgrade', 'cluster.local', 'storage-media-type.json'), 'utf8'));
  assert.deepEqual([file.mediaType, file.oneWay, file.hosts], [PROTOBUF, true, CP]);
  assert.ok(existsSync(String(rec.backup)), 'a fresh backup before the one-way step');
  assert.deepEqual(CP.map(unitMedia), CP.map(() => PROTOBUF));
  // a deploy rerun whose inventory forgot the step would render JSON again: refused, nothing touched
  const redeploy = await hubDrover(w.fleet, ['cluster', 'deploy', '-i', inv16]);
  assert.equal(redeploy.code, 5, redeploy.stdout.slice(-2000) + redeploy.stderr);
  for (const h of CP) assert.match(redeploy.stderr, new RegExp(`\\[storage\\] ${h}: kube-apiserver stores application/vnd\\.kubernetes\\.protobuf .*set kube_storage_media_type`));
  assert.deepEqual(CP.map(unitMedia), CP.map(() => PROTOBUF));
  // only the apiserver was restarted (and keepalived stopped and started to move the VIP)
  const acted = unitActions(w.fleet).filter((a) => CP.includes(a.host));
  assert.deepEqual(CP.map((h) => acted.filter((a) => a.host === h && a.action === 'restart').map((a) => a.unit)), CP.map(() => ['kube-apiserver']));
  assert.deepEqual(acted.filter((a) => /controller-manager|scheduler/.test(a.unit)), []);
  const sum = summarise(samples);
  for (const h of CP) assert.deepEqual([...sum[h]!.decode, ...sum[h]!.http], [], `${h}: a 1.6 apiserver reads JSON and protobuf alike`);
  // written through a switched apiserver since: the k8s\0 magic; never rewritten: still JSON
  assert.equal(storedPrefix(`/registry/configmaps/default/${PROBE_WRITE_PREFIX}cp1`), '6b 38 73 00');
  assert.match(storedPrefix('/registry/secrets/default/u1-secret'), /^7b /, 'a JSON object');
  console.log(`# protobuf step on 3 apiservers: ${wall.toFixed(1)} s wall (${ev.filter((e) => e.type === 'upgrade_storage_host').map((e) => `${e.host} ${(Number(e.durationMs) / 1000).toFixed(1)} s`).join(', ')}); probe ${samples.length} requests, ${CP.map((h) => `${h} down ${sum[h]!.down}`).join(', ')}, decode errors 0`);
});

test('the probe can fail: a 1.5 apiserver put back after the step cannot decode what 1.6 wrote (why the step is one-way)', async () => {
  const swap = 'systemctl stop keepalived && cp /root/kube-apiserver-v1.5.8 /usr/local/bin/kube-apiserver && cp /root/kube-apiserver-v1.5.8.service /etc/systemd/system/kube-apiserver.service && systemctl daemon-reload && systemctl restart kube-apiserver';
  const r = w.fleet.exec('cp3', swap);
  assert.equal(r.rc, 0, r.stderr);
  const probe = startApiserverProbe(w, ['cp3']);
  // two full rounds answered by the 1.5 apiserver
  await probe.until((x) => x.filter((y) => y.version === 'v1.5.8' && y.kind !== 'down' && y.method === 'PATCH').length >= 2, 90_000).catch(() => undefined);
  const samples = await probe.stop();
  const s = summarise(samples).cp3!;
  assert.ok(s.decode.length > 0, `decode errors seen: ${JSON.stringify(samples.slice(-8))}`);
  assert.ok(s.decode.every((x) => x.version === 'v1.5.8' && x.status === 500 && /unable to decode \/registry\//.test(x.message ?? '')));
  const failedPaths = new Set(s.decode.map((x) => x.path));
  assert.ok(failedPaths.has('/api/v1/namespaces/default/configmaps'), [...failedPaths].join(', '));
  // an object nobody rewrote since the switch is still JSON, so that read still works
  assert.ok(samples.some((x) => x.path.endsWith('/secrets/u1-secret') && x.kind === 'ok' && x.version === 'v1.5.8'));
  console.log(`# 1.5 apiserver over protobuf data: ${s.decode.length} decode errors in ${s.requests} requests (${[...failedPaths].join(', ')})`);
});
