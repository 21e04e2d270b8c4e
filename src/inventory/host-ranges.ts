// Ansible's host ranges: web[01:20], db-[a:c], node[1:10:2].

/** Expand one host pattern with [start:end(:step)] ranges into names. */
export function expandHostRange(name: string): string[] {
  const m = /^(.*?)\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::(\d+))?\](.*)$/.exec(name);
  if (!m) return [name];
  const [, head, from, to, stepText, tail] = m as unknown as [string, string, string, string, string | undefined, string];
  const step = stepText ? Number(stepText) : 1;
  const out: string[] = [];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.startsWith('0') && from.length > 1 ? from.length : 0;
    for (let i = Number(from); i <= Number(to); i += step) out.push(`${head}${String(i).padStart(width, '0')}`);
  } else if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to)) {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c += step) out.push(`${head}${String.fromCharCode(c)}`);
  } else {
    throw new Error(`invalid host range [${from}:${to}]`);
  }
  return out.flatMap((h) => expandHostRange(`${h}${tail}`));
}
