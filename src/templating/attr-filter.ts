// Jinja's attr filter: getattr(obj, name) and never an item. A dict's keys are not its
// attributes (`d | attr('k')` is undefined, as in Ansible); its methods, a string's, a list's
// and a number's are, through the same member lookup templates use (`(s | attr('upper'))()`).
import nunjucks from 'nunjucks';
import { TemplateError } from '../cli/errors.js';
import { pyTypeName } from './python-compare.js';
import { Undefined } from './undefined-value.js';

function isPlainDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** `obj | attr(name)`. */
function attr(obj: unknown, name: unknown): unknown {
  if (typeof name !== 'string' && !(name instanceof String)) throw new TemplateError(`attribute name must be string, not '${pyTypeName(name)}'`);
  const key = String(name);
  const undefinedAttr = (): Undefined => new Undefined(`'${isPlainDict(obj) ? 'dict object' : `${pyTypeName(obj)} object`}' has no attribute '${key}'`);
  // the templates' member lookup gives a dict's item first; an attribute of a dict is only one of its methods
  if (isPlainDict(obj) && Object.prototype.hasOwnProperty.call(obj, key)) {
    const withoutItem = { ...obj };
    delete withoutItem[key];
    const method = (nunjucks as any).runtime.memberLookup(withoutItem, key) as unknown;
    return typeof method === 'function' ? (...args: unknown[]) => (method as (...a: unknown[]) => unknown)(...args) : undefinedAttr();
  }
  const v = (nunjucks as any).runtime.memberLookup(obj, key) as unknown;
  if (v instanceof Undefined || v === undefined) return undefinedAttr();
  // an item of a list or a character of a string is not an attribute either
  if (typeof v !== 'function' && (Array.isArray(obj) || typeof obj === 'string' || isPlainDict(obj))) return undefinedAttr();
  return v;
}

/** The filter, by name. */
export const ATTR_FILTERS = { attr };
