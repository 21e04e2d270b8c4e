// The filters added to close the differential harness's "filter Ansible has and Drover lacks"
// group, gathered for filters.ts and their keyword parameters for keyword-arguments.ts.
import { ATTR_FILTERS } from './attr-filter.js';
import { GENERAL_DICT_FILTERS } from './general-dict-filter.js';
import { IPADDR_FILTERS, IPADDR_FILTER_PARAMS } from './ipaddr-filter.js';
import { PASSWORD_HASH_FILTERS, PASSWORD_HASH_PARAMS } from './password-hash.js';
import { PATH_URL_FILTERS, PATH_URL_FILTER_PARAMS } from './path-url-filters.js';
import { RANDOM_FILTERS, RANDOM_FILTER_PARAMS } from './random-filters.js';
import { TIME_FILTERS, TIME_FILTER_PARAMS } from './time-filters.js';

/** Filter functions by name. */
export const EXTRA_FILTERS: Record<string, (...args: any[]) => unknown> = { ...ATTR_FILTERS, ...GENERAL_DICT_FILTERS, ...IPADDR_FILTERS, ...PASSWORD_HASH_FILTERS, ...PATH_URL_FILTERS, ...RANDOM_FILTERS, ...TIME_FILTERS };

/** Their parameter names after the value, for keyword arguments. */
export const EXTRA_FILTER_PARAMS: Record<string, string[]> = { ...IPADDR_FILTER_PARAMS, ...PASSWORD_HASH_PARAMS, ...PATH_URL_FILTER_PARAMS, ...RANDOM_FILTER_PARAMS, ...TIME_FILTER_PARAMS };
