// A small protocol for Python objects that are neither JSON-like values nor functions (a
// datetime from to_datetime): how Python's str() and repr() print them and what Ansible's
// JSON encoder writes for them. python-repr.ts asks it before its own cases.

/** Methods a Python-like object offers the printers. */
export interface PyObjectLike {
  pyStr(): string;
  pyRepr(): string;
  /** What AnsibleJSONEncoder makes of it (a datetime's isoformat()). */
  pyJsonValue(): unknown;
}

/** True for an object following the protocol. */
export function isPyObject(v: unknown): v is PyObjectLike {
  return typeof v === 'object' && v !== null && typeof (v as Partial<PyObjectLike>).pyRepr === 'function' && typeof (v as Partial<PyObjectLike>).pyStr === 'function';
}

/** Operators a Python-like object may implement (a datetime's `-` and ordering). */
export interface PyOperators {
  pySub?(other: unknown): unknown;
  pyCompare?(other: unknown): number;
}

/** `a - b` by a's own __sub__, or undefined when a has none. */
export function pyObjectSub(a: unknown, b: unknown): unknown {
  return isPyObject(a) && typeof (a as PyOperators).pySub === 'function' ? (a as PyOperators).pySub!(b) : undefined;
}

/** The ordering of a and b by a's own comparison, or undefined when a has none. */
export function pyObjectCompare(a: unknown, b: unknown): number | undefined {
  return isPyObject(a) && typeof (a as PyOperators).pyCompare === 'function' ? (a as PyOperators).pyCompare!(b) : undefined;
}
