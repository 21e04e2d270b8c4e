// setup's gather_subset rules and filter globs, against what Ansible's collector code does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processFacts } from '../../../src/executor/facts.js';
import { filterFacts, fnmatchRegex } from '../../../src/modules/facts/fact-filter.js';
import { COLLECTOR_FACTS, selectCollectors } from '../../../src/modules/facts/gather-subset.js';

const sorted = (s: Set<string>): string[] => [...s].sort();
const MIN = ['date_time', 'distribution', 'env', 'platform', 'service_mgr', 'user'];

test('every gathered fact belongs to exactly one collector, so gather_subset can select it', () => {
  const facts = Object.keys(processFacts('---env---\n'));
  const owners = new Map<string, string[]>();
  for (const [c, names] of Object.entries(COLLECTOR_FACTS)) for (const n of names) owners.set(n, [...(owners.get(n) ?? []), c]);
  for (const f of facts) assert.equal(owners.get(f)?.length, 1, `fact ${f} has one collector`);
  assert.deepEqual([...owners.keys()].sort(), facts.sort());
});

test('gather_subset: all, min, negations and explicit additions as in Ansible', () => {
  assert.deepEqual(sorted(selectCollectors([])), [...MIN, 'hardware'].sort());
  assert.deepEqual(sorted(selectCollectors(['all'])), [...MIN, 'hardware'].sort());
  assert.deepEqual(sorted(selectCollectors(['!all'])), MIN);
  assert.deepEqual(sorted(selectCollectors(['min'])), MIN);
  assert.deepEqual(sorted(selectCollectors(['!all', '!min'])), []);
  assert.deepEqual(sorted(selectCollectors(['!all', '!min', 'env'])), ['env']);
  // hardware brings the platform facts it needs, as Ansible's collector does
  assert.deepEqual(sorted(selectCollectors(['!all', '!min', 'hardware'])), ['hardware', 'platform']);
  assert.deepEqual(sorted(selectCollectors(['!hardware'])), MIN);
  // a fact id selects its collector; excluding an unknown name is ignored
  assert.deepEqual(sorted(selectCollectors(['!all', '!min', 'kernel'])), ['platform']);
  assert.deepEqual(sorted(selectCollectors(['!all', '!min', '!nonsense'])), []);
  // subsets Drover has no facts for are accepted and add nothing
  assert.deepEqual(sorted(selectCollectors(['!all', '!min', 'network', 'virtual'])), []);
});

test('gather_subset: an unknown subset is refused with Ansible\'s message', () => {
  // the text ansible 2.14 prints for `ansible localhost -m setup -a gather_subset=bogus`
  const ansible =
    "Bad subset 'bogus' given to Ansible. gather_subset options allowed: all, all_ipv4_addresses, all_ipv6_addresses, apparmor, architecture, caps, chroot, cmdline, date_time, default_ipv4, default_ipv6, devices, distribution, distribution_major_version, distribution_release, distribution_version, dns, effective_group_ids, effective_user_id, env, facter, fibre_channel_wwn, fips, hardware, interfaces, is_chroot, iscsi, kernel, kernel_version, loadavg, local, lsb, machine, machine_id, mounts, network, nvme, ohai, os_family, pkg_mgr, platform, processor, processor_cores, processor_count, python, python_version, real_user_id, selinux, service_mgr, ssh_host_key_dsa_public, ssh_host_key_ecdsa_public, ssh_host_key_ed25519_public, ssh_host_key_rsa_public, ssh_host_pub_keys, ssh_pub_keys, system, system_capabilities, system_capabilities_enforced, user, user_dir, user_gecos, user_gid, user_id, user_shell, user_uid, virtual, virtualization_role, virtualization_tech_guest, virtualization_tech_host, virtualization_type";
  assert.throws(() => selectCollectors(['bogus']), (err: Error) => err.message === ansible);
});

test('filter: Python fnmatch globs over the prefixed names', () => {
  const facts = { ansible_hostname: 'a', ansible_host_x: 'b', ansible_system: 'Linux', module_setup: true };
  assert.deepEqual(filterFacts(facts, []), facts);
  assert.deepEqual(filterFacts(facts, ['ansible_hostname']), { ansible_hostname: 'a' });
  assert.deepEqual(Object.keys(filterFacts(facts, ['ansible_host*'])), ['ansible_hostname', 'ansible_host_x']);
  assert.deepEqual(Object.keys(filterFacts(facts, ['ansible_s?stem', 'module_*'])), ['ansible_system', 'module_setup']);
  assert.ok(fnmatchRegex('a[!b]c').test('axc'));
  assert.ok(!fnmatchRegex('a[!b]c').test('abc'));
  assert.ok(!fnmatchRegex('a.c').test('abc'));
});
