// The connection types Drover has, with Ansible's names for them, in one place: the pool
// loads by these names and input checks refuse any other before anything runs.

/** Transport names Drover implements. */
export const TRANSPORTS = ['local', 'ssh', 'kubernetes'] as const;

/** Ansible's names that mean one of ours. */
export const TRANSPORT_ALIASES: Readonly<Record<string, string>> = {
  paramiko: 'ssh',
  'ansible.builtin.ssh': 'ssh',
  smart: 'ssh',
  'ansible.builtin.local': 'local',
  kubectl: 'kubernetes',
  'kubernetes.core.kubectl': 'kubernetes',
};

/** The transport a connection name means, or undefined when Drover has no such connection. */
export function canonicalTransport(name: string): string | undefined {
  const t = TRANSPORT_ALIASES[name] ?? name;
  return (TRANSPORTS as readonly string[]).includes(t) ? t : undefined;
}

/** "unknown connection type 'x' (local, ssh, kubernetes)": the one wording for every source. */
export function unknownTransportMessage(name: string): string {
  return `unknown connection type '${name}' (${TRANSPORTS.join(', ')})`;
}
