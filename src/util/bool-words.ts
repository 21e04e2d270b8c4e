// The words Ansible's boolean() reads as true or false (module_utils/parsing/convert_bool), in one place
// for module arguments (strict) and lookup options (lenient).

/** Lower-cased words Ansible reads as true. */
export const TRUE_WORDS: ReadonlySet<string> = new Set(['yes', 'on', '1', 'true', 'y', 't']);

/** Lower-cased words Ansible reads as false. */
export const FALSE_WORDS: ReadonlySet<string> = new Set(['no', 'off', '0', 'false', 'n', 'f', '']);
