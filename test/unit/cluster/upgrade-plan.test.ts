// The upgrade's pure parts: node groups from --canary/--batch, the version step and storage
// refusals, the container comparison, and the plan's stage order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterConfig } from '../../../src/cluster/cluster-config.js';
import { compareContainers } from '../../../src/cluster/upgrade/containers.js';
import { batchSize, nodeGroups, type UpgradeChoices } from '../../../src/cluster/upgrade/options.js';
import { buildUpgradePlan } from '../../../src/cluster/upgrade/plan.js';
import { checkStorage, checkVersionStep, storagePin } from '../../../src/cluster/upgrade/preflight.js';

const choices = (over: Partial<UpgradeChoices> = {}): UpgradeChoices => ({ to: 'v1.6.13', strategy: 'in-place', canary: 1, batch: '1', maxFailures: 0, allowNotReady: false, ...over });
const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];

test('--canary then --batch N or P% split the nodes in inventory order; the canary tolerates no failure', () => {
  assert.equal(batchSize('25%', 5), 2);
  assert.equal(batchSize('3', 5), 3);
  assert.equal(batchSize('0', 5), undefined);
  assert.equal(batchSize('150%', 5), undefined);
  assert.deepEqual(nodeGroups(nodes, choices({ batch: '2', maxFailures: 1 })).map((g) => [g.id, g.nodes, g.maxFailures]), [
    ['nodes:canary', ['n1'], 0],
    ['nodes:batch1', ['n2', 'n3'], 1],
    ['nodes:batch2', ['n4', 'n5'], 1],
  ]);
  assert.deepEqual(nodeGroups(nodes, choices({ canary: 0, batch: '100%' })).map((g) => g.nodes), [nodes]);
});

test('--max-failures counts the failed nodes of every batch so far: each batch knows the ones before it', () => {
  assert.deepEqual(nodeGroups(nodes, choices({ batch: '2', maxFailures: 1 })).map((g) => [g.id, g.earlier]), [
    ['nodes:canary', []],
    ['nodes:batch1', []],
    ['nodes:batch2', ['n2', 'n3']],
  ]);
});

test('one minor at a time, forward only, to a minor with a flag table', () => {
  assert.deepEqual(checkVersionStep('v1.5.8', 'v1.6.13'), []);
  assert.match(checkVersionStep('v1.5.8', 'v1.7.0')[0]!.message, /skips 1 minor\(s\)/);
  assert.match(checkVersionStep('v1.6.13', 'v1.5.8')[0]!.message, /goes back a minor/);
  assert.match(checkVersionStep('v1.6.13', 'v1.7.0')[0]!.message, /no flag table for 1\.7/);
  assert.match(checkVersionStep('v1.5.8', '1.6')[0]!.message, /not a release version/);
});

test('storage: etcd2 is refused with the migration named; protobuf is refused; etcd3 + JSON passes', () => {
  assert.deepEqual(checkStorage('cp1', '# kube-apiserver v1.5.8: x\nExecStart=/x --storage-backend=etcd3 --storage-media-type=application/json'), []);
  assert.deepEqual(checkStorage('cp1', '# kube-apiserver v1.5.8: x\nExecStart=/x --storage-backend=etcd3'), []);
  assert.match(checkStorage('cp1', 'ExecStart=/x --storage-backend=etcd2')[0]!.message, /migrate the data to etcd3 first/);
  assert.match(checkStorage('cp1', 'ExecStart=/x --storage-backend=etcd3 --storage-media-type=application/vnd.kubernetes.protobuf')[0]!.message, /a 1\.5 apiserver cannot read it/);
  // after the one-way storage step a 1.6 cluster stores protobuf: a later 1.6 patch upgrade accepts it
  assert.deepEqual(checkStorage('cp1', 'ExecStart=/x --storage-backend=etcd3 --storage-media-type=application/vnd.kubernetes.protobuf', 'v1.6.13'), []);
  // upgrading from 1.5 the new apiservers are pinned to JSON, whatever -e says; from 1.6 the inventory decides
  assert.deepEqual(storagePin('v1.5.8'), { kube_storage_media_type: 'application/json' });
  assert.deepEqual(storagePin('v1.6.13'), {});
});

test('a container counts as recreated when its ID, start time or restart count moved, or it is gone', () => {
  const c = (name: string, id: string, startedAt = 't0', restartCount = 0) => ({ pod: 'default/p', name, id, startedAt, restartCount });
  const cmp = compareContainers([c('a', 'docker://1'), c('b', 'docker://2'), c('c', 'docker://3'), c('d', 'docker://4')], [c('a', 'docker://1'), c('b', 'docker://9'), c('c', 'docker://3', 't0', 1)]);
  assert.deepEqual(cmp.kept.map((x) => x.name), ['a']);
  assert.deepEqual(cmp.recreated.map((x) => [x.before.name, x.why]), [['b', 'id 2 -> 9'], ['c', 'restartCount 0 -> 1'], ['d', 'gone']]);
});

test('the plan: control-plane hosts one by one, then the canary and the batches; control-plane-only keeps the nodes', () => {
  const config = { kubeVersion: 'v1.5.8', controlPlane: [{ name: 'cp1', ip: '10.0.0.1' }, { name: 'cp2', ip: '10.0.0.2' }], nodes: nodes.map((n) => ({ name: n, ip: n })), apiserverVip: '10.0.0.250' } as unknown as ClusterConfig;
  const noop = { controlPlaneHost: async () => undefined, controlPlaneGate: async () => ({ ok: true, observations: [] }), nodeGroup: async () => undefined, nodeGroupGate: async () => ({ ok: true, observations: [] }), keepNodes: async () => undefined };
  assert.deepEqual(buildUpgradePlan(config, choices({ batch: '50%' }), noop).stages.map((s) => s.id), ['control-plane:cp1', 'control-plane:cp2', 'nodes:canary', 'nodes:batch1', 'nodes:batch2']);
  assert.deepEqual(buildUpgradePlan(config, choices({ strategy: 'control-plane-only' }), noop).stages.map((s) => s.id), ['control-plane:cp1', 'control-plane:cp2', 'nodes:kept']);
});
