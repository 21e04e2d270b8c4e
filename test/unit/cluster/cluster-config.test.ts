import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/load-inventory.js';
import { readClusterConfig } from '../../../src/cluster/cluster-config.js';

async function read(yaml: string): Promise<ReturnType<typeof readClusterConfig> & { file: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'cluster-inv-')), 'inv.yml');
  writeFileSync(file, yaml);
  return { ...readClusterConfig(await loadInventory([file])), file };
}

test('the example inventory reads as 3 etcd/control-plane hosts and 4 nodes, with kubespray\'s defaults filled in', async () => {
  const { config, errors } = readClusterConfig(await loadInventory(['inventory/cluster.example.yml']));
  assert.deepEqual(errors, []);
  assert.equal(config!.minor, '1.5');
  assert.deepEqual(config!.controlPlane.map((h) => h.ip), ['10.0.0.11', '10.0.0.12', '10.0.0.13']);
  assert.deepEqual(config!.nodes.map((h) => h.name), ['node1', 'node2', 'node3', 'node4']);
  assert.equal(config!.dnsIp, '10.233.0.3');
  assert.equal(config!.clusterDomain, 'cluster.local');
  assert.equal(config!.certRenewDays, 30);
});

test('kubespray\'s old group names are read as the new ones', async () => {
  const { config, errors } = await read(`all:
  children:
    etcd: {hosts: {a: {ansible_host: 10.0.0.1}}}
    kube-master: {hosts: {a: }}
    kube-node: {hosts: {b: {ansible_host: 10.0.0.2}}}
`);
  assert.deepEqual(errors, []);
  assert.deepEqual(config!.controlPlane, [{ name: 'a', ip: '10.0.0.1' }]);
  assert.deepEqual(config!.nodes, [{ name: 'b', ip: '10.0.0.2' }]);
});

test('every problem is reported at once, naming the file and the group or var', async () => {
  const { errors, config, file } = await read(`all:
  vars:
    kube_version: v1.7.0
    apiserver_vip: 10.0.0.1
    kube_service_addresses: 10.233.0.0/18
    kube_pods_subnet: 10.233.32.0/19
    vrrp_router_id: 300
    skydns_server: 10.233.0.1
  children:
    etcd: {hosts: {a: {ansible_host: 10.0.0.1}, b: {ansible_host: 10.0.0.2}}}
    kube_control_plane: {hosts: {a: }}
`);
  assert.equal(config, undefined);
  const byField = Object.fromEntries(errors.map((e) => [e.field, e.message]));
  assert.ok(errors.every((e) => e.file === file));
  assert.match(byField.etcd!, /2 members.*odd count/);
  assert.match(byField.kube_node!, /missing or empty/);
  assert.match(byField.kube_version!, /'v1\.7\.0' is not a release/);
  assert.match(byField.apiserver_vip!, /a host's own address/);
  assert.match(byField.kube_pods_subnet!, /overlaps the service CIDR/);
  assert.match(byField.vrrp_router_id!, /from 1 to 255/);
  assert.match(byField.skydns_server!, /kubernetes Service's address/);
});
