// Filter keyword arguments (`to_nice_json(indent=2)`, `dict2items(key_name='k')`): nunjucks
// hands them over as one trailing object, which positional filters took as their first
// optional parameter, silently. Each filter's Python signature maps them to positions.
import { TemplateError } from '../cli/errors.js';
import { NUMBER_FILTER_PARAMS } from './python-number-filters.js';
import { COLLECTION_FILTER_PARAMS } from './collection-filters.js';
import { SORT_FILTER_PARAMS } from './python-sort-filters.js';
import { EXTRA_FILTER_PARAMS } from './ansible-extra-filters.js';

/** Parameter names after the value, in Ansible's/Jinja's order, per filter. */
export const FILTER_PARAMS: Record<string, string[]> = {
  default: ['default_value', 'boolean'],
  d: ['default_value', 'boolean'],
  int: ['default', 'base'],
  float: ['default'],
  urlize: ['trim_url_limit', 'nofollow', 'target', 'rel', 'extra_schemes'],
  to_json: ['indent', 'sort_keys', 'ensure_ascii'],
  to_nice_json: ['indent', 'sort_keys', 'ensure_ascii'],
  to_nice_yaml: ['indent'],
  regex_replace: ['pattern', 'replacement', 'ignorecase', 'multiline'],
  regex_findall: ['regex', 'multiline', 'ignorecase'],
  dict2items: ['key_name', 'value_name'],
  items2dict: ['key_name', 'value_name'],
  ternary: ['true_val', 'false_val', 'none_val'],
  round: ['precision', 'method'],
  indent: ['width', 'first', 'blank'],
  join: ['d', 'attribute'],
  sort: ['reverse', 'case_sensitive', 'attribute'],
  replace: ['old', 'new', 'count'],
  split: ['sep', 'maxsplit'],
  hash: ['hashtype'],
  flatten: ['levels', 'skip_nulls'],
  center: ['width'],
  trim: ['chars'],
  regex_escape: ['re_type'],
  extract: ['container', 'morekeys'],
  subelements: ['subelements', 'skip_missing'],
  ...NUMBER_FILTER_PARAMS,
  ...COLLECTION_FILTER_PARAMS,
  ...SORT_FILTER_PARAMS,
  ...EXTRA_FILTER_PARAMS,
};

/** Wrap a filter so keyword arguments land in their positions; unknown keywords are errors. */
export function withKeywords(name: string, fn: (...args: any[]) => unknown): (...args: any[]) => unknown {
  const params = FILTER_PARAMS[name];
  if (!params) return fn;
  return (value: unknown, ...args: unknown[]) => {
    const last = args[args.length - 1] as Record<string, unknown> | undefined;
    if (!(last && typeof last === 'object' && last.__keywords)) return fn(value, ...args);
    const positional = args.slice(0, -1);
    for (const [key, v] of Object.entries(last)) {
      if (key === '__keywords') continue;
      const i = params.indexOf(key);
      if (i < 0) throw new TemplateError(`filter ${name} got an unexpected keyword argument '${key}'`);
      while (positional.length < i) positional.push(undefined);
      positional[i] = v;
    }
    return fn(value, ...positional);
  };
}
