// Ansible's StrictUndefined on nunjucks: a missing variable or key becomes an Undefined
// marker that `default`, `is defined` and `mandatory` understand, and that raises
// "'name' is undefined" when printed or handed to any other filter.
import { TemplateError } from '../cli/errors.js';

/** The value of a name or key that does not exist. */
export class Undefined {
  constructor(readonly name: string) {}
  toString(): string {
    throw new TemplateError(`'${this.name}' is undefined`, this.name);
  }
}

/** True for the marker (and plain undefined). */
export function isUndefined(v: unknown): v is Undefined | undefined {
  return v === undefined || v instanceof Undefined;
}

/** Throw Ansible's error if the value is undefined. */
export function mustBeDefined<T>(v: T): T {
  if (v instanceof Undefined) throw new TemplateError(`'${v.name}' is undefined`, v.name);
  return v;
}
