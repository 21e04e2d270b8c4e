// Mappings whose members a template reads as they are, never templated: Ansible's magic `vars`
// (AnsibleJ2Vars returns it as-is, so `vars.x` of "{{ y }}" is the text "{{ y }}").
const RAW = new WeakSet<object>();

/** Mark a mapping as read raw; returns it. */
export function rawMapping<T extends object>(value: T): T {
  RAW.add(value);
  return value;
}

/** Whether a mapping's members are read raw. */
export function isRawMapping(value: unknown): boolean {
  return typeof value === 'object' && value !== null && RAW.has(value);
}
