// The filter and test plugins ansible-core 2.14 ships under ansible.builtin (its
// plugins/filter and plugins/test modules): the names a template may also write as
// `ansible.builtin.<name>`. Jinja's own filters and tests have no such name in Ansible.

/** ansible.builtin filters. */
export const ANSIBLE_BUILTIN_FILTERS = new Set(['b64decode', 'b64encode', 'basename', 'bool', 'checksum', 'combinations', 'combine', 'comment', 'dict2items', 'difference', 'dirname', 'expanduser', 'expandvars', 'extract', 'fileglob', 'flatten', 'from_json', 'from_yaml', 'from_yaml_all', 'hash', 'human_readable', 'human_to_bytes', 'intersect', 'items2dict', 'log', 'mandatory', 'md5', 'password_hash', 'path_join', 'permutations', 'pow', 'product', 'quote', 'random', 'realpath', 'regex_escape', 'regex_findall', 'regex_replace', 'regex_search', 'rekey_on_member', 'relpath', 'root', 'sha1', 'shuffle', 'split', 'splitext', 'strftime', 'subelements', 'symmetric_difference', 'ternary', 'to_datetime', 'to_json', 'to_nice_json', 'to_nice_yaml', 'to_uuid', 'to_yaml', 'type_debug', 'union', 'unique', 'unvault', 'urldecode', 'urlsplit', 'vault', 'win_basename', 'win_dirname', 'win_splitdrive', 'zip', 'zip_longest']);

/** ansible.builtin tests. */
export const ANSIBLE_BUILTIN_TESTS = new Set(['abs', 'all', 'any', 'change', 'changed', 'contains', 'directory', 'exists', 'failed', 'failure', 'falsy', 'file', 'finished', 'is_abs', 'is_dir', 'is_file', 'is_link', 'is_mount', 'is_same_file', 'isnan', 'issubset', 'issuperset', 'link', 'link_exists', 'match', 'mount', 'nan', 'reachable', 'regex', 'same_file', 'search', 'skip', 'skipped', 'started', 'subset', 'succeeded', 'success', 'successful', 'superset', 'truthy', 'unreachable', 'uri', 'url', 'urn', 'vault_encrypted', 'version', 'version_compare']);
