// --tags / --skip-tags selection with Ansible's special tags: always, never, tagged, untagged, all.

export interface TagFilter {
  only: string[];
  skip: string[];
}

/** Should a task with these tags run under the filter? */
export function tagsSelected(taskTags: readonly string[], filter: TagFilter): boolean {
  const tags = new Set(taskTags);
  const only = new Set(filter.only);
  const skip = new Set(filter.skip);
  if (skip.size) {
    if ([...tags].some((t) => skip.has(t))) return false;
    if (skip.has('tagged') && tags.size > 0) return false;
    if (skip.has('untagged') && tags.size === 0) return false;
  }
  if (tags.has('always') && !skip.has('always')) return true;
  if (tags.has('never') && ![...tags].some((t) => t !== 'never' && only.has(t)) && !only.has('never')) return false;
  if (only.size === 0 || only.has('all')) return true;
  if (only.has('tagged') && tags.size > 0) return true;
  if (only.has('untagged') && tags.size === 0) return true;
  return [...tags].some((t) => only.has(t));
}
