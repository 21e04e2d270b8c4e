// The kubelet stand-in's pure rules: container names per scheme, cgroup parents per QoS and
// driver, the spec hash per API era, and dockerd's Docker 1.12 command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criName, legacyName, parseName } from '../../kube-release/components/kubelet/naming.js';
import { cgroupParentFor, qosClass } from '../../kube-release/components/kubelet/cgroups.js';
import { containerHash } from '../../kube-release/components/kubelet/container-hash.js';
import { FlagError, parseDockerdFlags } from '../../kube-release/components/dockerd/flags.js';

const UID = '0b6c0a3e-5a7f-4c39-9d1e-2f0e8c1b7a44';
const pod = (resources?: object) => ({ metadata: { uid: UID }, spec: { containers: [{ name: 'app', ...(resources ? { resources } : {}) }] } });

test('1.5 legacy and 1.6 CRI names parse back to pod, namespace, uid and hash or attempt', () => {
  const legacy = legacyName('app', 'deadbeef', 'web-1', 'default', UID);
  assert.match(legacy, new RegExp(`^k8s_app\\.deadbeef_web-1_default_${UID}_[0-9a-f]{8}$`));
  assert.deepEqual(parseName(`/${legacy}`), { scheme: 'legacy', container: 'app', hash: 'deadbeef', pod: 'web-1', namespace: 'default', uid: UID });
  assert.equal(criName('POD', 'web-1', 'kube-system', UID, 3), `k8s_POD_web-1_kube-system_${UID}_3`);
  assert.deepEqual(parseName(`k8s_POD_web-1_kube-system_${UID}_3`), { scheme: 'cri', container: 'POD', pod: 'web-1', namespace: 'kube-system', uid: UID, attempt: 3 });
  assert.equal(parseName('nginx'), undefined);
  assert.equal(parseName('k8s_app_web_ns_uid_x'), undefined);
});

test('cgroup parent: QoS hierarchy per class, driver and minor, or the cgroup root without QoS cgroups', () => {
  const guaranteed = pod({ limits: { cpu: '1', memory: '1Gi' } });
  const burstable = pod({ requests: { cpu: '100m' } });
  assert.deepEqual([qosClass(pod()), qosClass(burstable), qosClass(guaranteed)], ['BestEffort', 'Burstable', 'Guaranteed']);
  const fs = { era: '1.6' as const, perQos: true, root: '/', driver: 'cgroupfs' as const };
  assert.equal(cgroupParentFor(pod(), fs), `/kubepods/besteffort/pod${UID}`);
  assert.equal(cgroupParentFor(burstable, fs), `/kubepods/burstable/pod${UID}`);
  assert.equal(cgroupParentFor(guaranteed, fs), `/kubepods/pod${UID}`);
  assert.equal(cgroupParentFor(pod(), { ...fs, root: '/custom' }), `/custom/kubepods/besteffort/pod${UID}`);
  assert.equal(cgroupParentFor(burstable, { ...fs, driver: 'systemd' }), `kubepods-burstable-pod${UID.replace(/-/g, '_')}.slice`);
  // 1.5 --experimental-cgroups-per-qos: the class name as is, no kubepods level
  assert.equal(cgroupParentFor(pod(), { ...fs, era: '1.5', root: '' }), `/BestEffort/pod${UID}`);
  assert.equal(cgroupParentFor(burstable, { ...fs, era: '1.5', root: '' }), `/Burstable/pod${UID}`);
  assert.equal(cgroupParentFor(guaranteed, { ...fs, era: '1.5', root: '' }), `/pod${UID}`);
  assert.equal(cgroupParentFor(pod(), { era: '1.5', perQos: false, root: '', driver: 'cgroupfs' }), '');
  assert.equal(cgroupParentFor(pod(), { era: '1.6', perQos: false, root: '/custom', driver: 'cgroupfs' }), '/custom');
});

test('the same container spec hashes differently under 1.5 (api.Container) and 1.6 (v1.Container)', () => {
  const c = { name: 'app', image: 'busybox', command: ['sleep', '3600'] };
  assert.equal(containerHash(c, '1.5'), containerHash({ ...c }, '1.5'));
  assert.notEqual(containerHash(c, '1.5'), containerHash(c, '1.6'));
  assert.notEqual(containerHash(c, '1.6'), containerHash({ ...c, image: 'nginx' }, '1.6'));
});

test('dockerd parses Docker 1.12 flags: exec-opt cgroup driver, unix sockets only, no --cgroup-driver', () => {
  const d = parseDockerdFlags(['-H', 'unix:///run/d.sock', '--exec-opt=native.cgroupdriver=systemd', '-g', '/var/lib/x']);
  assert.deepEqual([d.hosts, d.cgroupDriver, d.graph], [['unix:///run/d.sock'], 'systemd', '/var/lib/x']);
  assert.deepEqual([parseDockerdFlags([]).hosts, parseDockerdFlags([]).cgroupDriver, parseDockerdFlags([]).graph], [['unix:///var/run/docker.sock'], 'cgroupfs', '/var/lib/dockerd-standin']);
  assert.throws(() => parseDockerdFlags(['--cgroup-driver=systemd']), (e: Error) => e instanceof FlagError && /flag provided but not defined: --cgroup-driver/.test(e.message));
  assert.throws(() => parseDockerdFlags(['--exec-opt', 'native.cgroupdriver=foo']), FlagError);
  assert.throws(() => parseDockerdFlags(['-H', 'tcp://0.0.0.0:2375']), FlagError);
  assert.equal(parseDockerdFlags(['--version']).version, true);
  assert.deepEqual([parseDockerdFlags(['--live-restore']).liveRestore, parseDockerdFlags([]).liveRestore], [true, false]);
});
