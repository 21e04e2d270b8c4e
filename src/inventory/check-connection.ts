// An inventory that names a connection Drover does not have fails at load, naming the file
// and line, instead of failing every task of that host later.
import { InputError, type Location } from '../cli/errors.js';
import { canonicalTransport, unknownTransportMessage } from '../connections/transport-names.js';

/** Throw if `vars` sets ansible_connection to an unknown, untemplated name. */
export function checkConnectionVar(vars: Record<string, unknown> | null | undefined, where: Location): void {
  const v = vars?.ansible_connection;
  if (v === undefined || v === null) return;
  const name = String(v);
  // a template is decided per host at run time
  if (name.includes('{{') || name.includes('{%')) return;
  if (!canonicalTransport(name)) throw new InputError(unknownTransportMessage(name), { ...where, field: 'ansible_connection' });
}
