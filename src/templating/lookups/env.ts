// env: controller environment variables (the first word of each term).
import { checkOptions, type LookupRun } from './types.js';

/** An unset variable gives `default` (an empty string unless given). */
export const env: LookupRun = (terms, options) => {
  checkOptions('env', options, ['default']);
  return terms.map((term) => process.env[String(term).split(/\s+/).filter(Boolean)[0] ?? ''] ?? (options.default === undefined ? '' : options.default));
};
