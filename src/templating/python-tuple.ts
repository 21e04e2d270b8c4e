// Python tuples, which some lookups return (indexed_items, subelements): a list everywhere,
// printed with parentheses as Python's repr does.
const TUPLE = Symbol('python-tuple');

/** A list that prints as a Python tuple. */
export function pyTuple(items: unknown[]): unknown[] {
  return Object.defineProperty([...items], TUPLE, { value: true, enumerable: false });
}

/** Whether a list was made by pyTuple. */
export function isTuple(v: unknown[]): boolean {
  return (v as unknown as Record<symbol, unknown>)[TUPLE] === true;
}
