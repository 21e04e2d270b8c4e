// vars: the (templated) values of variables named by the terms.
import { TemplateError } from '../../cli/errors.js';
import { checkOptions, LookupError, type LookupRun } from './types.js';

/** A missing variable is an error unless `default=` is given. */
export const vars: LookupRun = (terms, options, ctx) => {
  checkOptions('vars', options, ['default']);
  return terms.map((term) => {
    if (typeof term !== 'string') throw new LookupError(`Invalid setting identifier, "${String(term)}" is not a string, its a ${Array.isArray(term) ? "<class 'list'>" : typeof term}`);
    if (Object.prototype.hasOwnProperty.call(ctx.vars, term) && ctx.vars[term] !== undefined) return ctx.templar.render(ctx.vars[term], ctx.vars);
    if (options.default !== undefined && options.default !== null) return options.default;
    throw new TemplateError(`No variable found with this name: ${term}`, term);
  });
};
