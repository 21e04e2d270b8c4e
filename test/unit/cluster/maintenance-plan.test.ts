// The stage order of cluster stop/start and what --from/--to select, without hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectStages } from '../../../src/cluster/maintenance/plan.js';

test('stop: entrances, (apiservers), controller-manager + scheduler, kubelets, (etcd)', () => {
  assert.deepEqual(selectStages('stop', { apiservers: false, etcd: false }), ['entrances', 'control-plane', 'nodes']);
  assert.deepEqual(selectStages('stop', { apiservers: true, etcd: true }), ['entrances', 'apiservers', 'control-plane', 'nodes', 'etcd']);
});

test('start is the reverse; --from/--to cut it; a stage outside the run is refused', () => {
  assert.deepEqual(selectStages('start', { apiservers: true, etcd: true }), ['etcd', 'apiservers', 'nodes', 'control-plane', 'entrances']);
  assert.deepEqual(selectStages('start', { apiservers: false, etcd: false, from: 'control-plane' }), ['control-plane', 'entrances']);
  assert.deepEqual(selectStages('start', { apiservers: true, etcd: false, to: 'nodes' }), ['apiservers', 'nodes']);
  assert.throws(() => selectStages('start', { apiservers: false, etcd: false, from: 'etcd' }), /etcd is not a stage of this run/);
});
