// The deploy's per-minor flag tables (playbooks/cluster/vars/kube-1.x.yml), rendered through
// the real unit template by `drover play`, must parse with each version's flag table of the
// stand-in release: a flag that a release refuses can never reach its unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drover, ROOT } from '../../helpers/cli.js';
import { COMPONENTS, flagTable, type Component, type Minor } from '../../kube-release/flag-tables.js';
import { parseFlags } from '../../kube-release/runtime/flags.js';

/** Render every component's unit for a minor on the local connection; returns component -> ExecStart argv. */
async function renderUnits(minor: Minor, extra: Record<string, unknown> = {}): Promise<Record<Component, string[]>> {
  const dir = mkdtempSync(join(tmpdir(), `deploy-flags-${minor}-`));
  const inv = join(dir, 'inv.yml');
  writeFileSync(inv, `all:\n  children:\n    kube_control_plane:\n      hosts:\n        cp1: {ansible_connection: local}\n        cp2: {ansible_connection: local}\n        cp3: {ansible_connection: local}\n`);
  const play = join(dir, 'render.yml');
  writeFileSync(
    play,
    `- hosts: cp1
  gather_facts: false
  vars:
    kube_version: "v${minor}.9"
    kube_minor: "${minor}"
    kube_bin_dir: /usr/local/bin
    kube_pki_dir: /etc/kubernetes/pki
    kube_config_dir: /etc/kubernetes
    kube_node_ip: 10.0.0.11
    kube_etcd_endpoints: https://10.0.0.11:2379,https://10.0.0.12:2379,https://10.0.0.13:2379
    kube_service_addresses: 10.233.0.0/18
    kube_pods_subnet: 10.233.64.0/18
    kube_node_labels: drover.io/role=node
    skydns_server: 10.233.0.3
    dns_domain: cluster.local
    kubelet_extra_args: ""
  tasks:
    - include_vars: ${ROOT}/playbooks/cluster/vars/kube-${minor}.yml
    - template:
        src: ${ROOT}/templates/cluster/kube-component.service.j2
        dest: ${dir}/{{ item }}.service
      loop: ${JSON.stringify(COMPONENTS)}
      vars:
        kube_component: "{{ item }}"
`,
  );
  const res = await drover(['play', play, '-i', inv, '-e', JSON.stringify(extra)]);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const out = {} as Record<Component, string[]>;
  for (const c of COMPONENTS) {
    const unit = readFileSync(join(dir, `${c}.service`), 'utf8');
    const exec = unit.split('\n').find((l) => l.startsWith('ExecStart='))!;
    const [bin, ...argv] = exec.slice('ExecStart='.length).split(' ');
    assert.equal(bin, `/usr/local/bin/${c}`);
    out[c] = argv;
  }
  return out;
}

for (const minor of ['1.5', '1.6'] as Minor[]) {
  test(`every ${minor} unit's flags parse with the ${minor} release's flag tables, without deprecation warnings`, async () => {
    const units = await renderUnits(minor);
    for (const c of COMPONENTS) {
      const res = parseFlags(c, units[c], flagTable(c, minor));
      assert.ok(res.ok, `${c} ${minor}: ${res.ok ? '' : res.error}`);
      assert.deepEqual(res.warnings, [], `${c} ${minor}`);
      if (res.ok) assert.deepEqual(res.flags.args, [], `${c} ${minor}: no stray arguments`);
    }
    assert.ok(units['kube-apiserver'].includes('--apiserver-count=3'), 'apiserver-count follows the control-plane group');
  });
}

test('the tables are not interchangeable: the 1.6 kubelet unit fails a 1.5 kubelet with pflag\'s message, and 1.6 keeps json storage unless told otherwise', async () => {
  const units16 = await renderUnits('1.6');
  const res = parseFlags('kubelet', units16.kubelet, flagTable('kubelet', '1.5'));
  assert.equal(res.ok, false);
  assert.match(res.ok ? '' : res.error, /unknown flag: --(cgroups-per-qos|enforce-node-allocatable)/);
  assert.ok(units16['kube-apiserver'].includes('--storage-media-type=application/json'));
  assert.ok(units16.kubelet.includes('--cgroups-per-qos=true'));
  // keeping a 1.5 node's layout needs both flags (a 1.6 kubelet refuses the first without the second): one var gives both
  const legacy = await renderUnits('1.6', { kubelet_cgroups_per_qos: false });
  assert.ok(legacy.kubelet.includes('--cgroups-per-qos=false'));
  assert.ok(legacy.kubelet.includes('--enforce-node-allocatable='));
  assert.ok(parseFlags('kubelet', legacy.kubelet, flagTable('kubelet', '1.6')).ok);
});
