// Ansible's gather_subset rules (module_utils/facts/collector.py get_collector_names) mapped
// onto the collectors behind Drover's one-round-trip fact set.

/** Drover's fact names (without the ansible_ prefix) by the Ansible collector that has them. */
export const COLLECTOR_FACTS: Record<string, readonly string[]> = {
  platform: ['hostname', 'nodename', 'fqdn', 'system', 'kernel', 'architecture', 'machine'],
  distribution: ['distribution', 'os_family', 'distribution_version', 'distribution_major_version', 'distribution_release'],
  user: ['user_id', 'user_uid', 'user_gid', 'user_dir', 'user_shell'],
  service_mgr: ['service_mgr'],
  env: ['env'],
  date_time: ['date_time'],
  hardware: ['processor_vcpus', 'processor_count', 'memtotal_mb', 'memfree_mb'],
};

// every subset name Ansible 2.14 accepts; the ones Drover gathers nothing for select nothing
const VALID = new Set(
  'all_ipv4_addresses all_ipv6_addresses apparmor architecture caps chroot cmdline date_time default_ipv4 default_ipv6 devices distribution distribution_major_version distribution_release distribution_version dns effective_group_ids effective_user_id env facter fibre_channel_wwn fips hardware interfaces is_chroot iscsi kernel kernel_version loadavg local lsb machine machine_id mounts network nvme ohai os_family pkg_mgr platform processor processor_cores processor_count python python_version real_user_id selinux service_mgr ssh_host_key_dsa_public ssh_host_key_ecdsa_public ssh_host_key_ed25519_public ssh_host_key_rsa_public ssh_host_pub_keys ssh_pub_keys system system_capabilities system_capabilities_enforced user user_dir user_gecos user_gid user_id user_shell user_uid virtual virtualization_role virtualization_tech_guest virtualization_tech_host virtualization_type'.split(' '),
);

// Ansible's minimal set: gathered even with !all, unless !min
const MIN = new Set(['apparmor', 'caps', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'local', 'lsb', 'pkg_mgr', 'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user']);

// fact ids that select their collector, and what !hardware also drops
const OWNER: Record<string, string> = {
  architecture: 'platform', kernel: 'platform', kernel_version: 'platform', machine: 'platform', machine_id: 'platform', python_version: 'platform', system: 'platform',
  distribution_version: 'distribution', distribution_release: 'distribution', distribution_major_version: 'distribution', os_family: 'distribution',
  user_id: 'user', user_uid: 'user', user_gid: 'user', user_gecos: 'user', user_dir: 'user', user_shell: 'user', real_user_id: 'user', effective_user_id: 'user', effective_group_ids: 'user',
  processor: 'hardware', processor_cores: 'hardware', processor_count: 'hardware', devices: 'hardware', mounts: 'hardware',
};
const ALIASES: Record<string, string[]> = { hardware: ['devices', 'dmi'] };

/** A gather_subset entry Ansible would refuse; the message is Ansible's. */
export class BadSubsetError extends Error {
  constructor(subset: string) {
    super(`Bad subset '${subset}' given to Ansible. gather_subset options allowed: all, ${[...VALID].sort().join(', ')}`);
    this.name = 'BadSubsetError';
  }
}

/** The Drover collectors a gather_subset list selects (Ansible's include/exclude/min rules). */
export function selectCollectors(gatherSubset: readonly string[]): Set<string> {
  const subsets = gatherSubset.length ? gatherSubset : ['all'];
  const add = new Set<string>();
  const exclude = new Set<string>();
  const explicit = new Set<string>();
  for (const raw of ['min', ...subsets]) {
    const s = raw.trim();
    if (s === 'min') {
      for (const m of MIN) add.add(m);
    } else if (s === 'all') {
      for (const v of VALID) add.add(v);
    } else if (s === '!min') {
      for (const m of MIN) exclude.add(m);
    } else if (s === '!all') {
      for (const v of VALID) if (!MIN.has(v)) exclude.add(v);
    } else if (s.startsWith('!')) {
      // excluding an unknown subset is ignored, as in Ansible
      exclude.add(s.slice(1));
      for (const a of ALIASES[s.slice(1)] ?? []) exclude.add(a);
    } else {
      if (!VALID.has(s)) throw new BadSubsetError(s);
      explicit.add(s);
      add.add(s);
    }
  }
  if (!add.size) for (const v of VALID) add.add(v);
  for (const e of exclude) if (!explicit.has(e)) add.delete(e);
  const collectors = new Set<string>();
  for (const name of add) {
    const c = COLLECTOR_FACTS[name] ? name : OWNER[name];
    if (c) collectors.add(c);
  }
  // Ansible's hardware collector needs the platform facts and returns them too
  if (collectors.has('hardware')) collectors.add('platform');
  return collectors;
}

/** The facts (unprefixed names) of the selected collectors. */
export function factsOfCollectors(facts: Record<string, unknown>, collectors: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of collectors) for (const k of COLLECTOR_FACTS[c] ?? []) if (k in facts) out[k] = facts[k];
  return out;
}
