// template: a template file rendered with the current variables (templates/ of the role or playbook).
import { readFileSync } from 'node:fs';
import { findInSearchPath } from './search-path.js';
import { checkOptions, LookupError, type LookupRun } from './types.js';
import { toBool } from './to-bool.js';

/** Ansible's default `ansible_managed` (DEFAULT_MANAGED_STR), seen by templates only. */
export const ANSIBLE_MANAGED = 'Ansible managed';

/** The variables Ansible adds while a template renders (generate_ansible_template_vars). */
export function templateVars(src: string, path: string): Record<string, unknown> {
  return { template_path: path, template_fullpath: path, template_destpath: undefined, template_run_date: new Date().toISOString(), ansible_managed: ANSIBLE_MANAGED, template_uid: String(process.getuid?.() ?? ''), template_host: undefined, template_src: src };
}

/** Trailing newlines of the file are kept (preserve_trailing_newlines); `template_vars` adds variables. */
export const template: LookupRun = (terms, options, ctx) => {
  checkOptions('template', options, ['template_vars', 'convert_data', 'jinja2_native']);
  // Drover renders the way Ansible's defaults do; another value would be accepted and ignored
  if (options.convert_data !== undefined && !toBool(options.convert_data)) throw new LookupError('the template lookup supports only convert_data=true (Ansible\'s default)');
  if (options.jinja2_native !== undefined && toBool(options.jinja2_native)) throw new LookupError('the template lookup supports only jinja2_native=false (Ansible\'s default)');
  return terms.map((term) => {
    const path = findInSearchPath(ctx.vars, 'templates', String(term));
    if (!path) throw new Error(`the template file ${String(term)} could not be found for the lookup`);
    const text = readFileSync(path, 'utf8');
    const extra = Object.fromEntries(Object.entries(templateVars(String(term), path)).filter(([, v]) => v !== undefined));
    const vars = { ...ctx.vars, ...extra, ...((options.template_vars as Record<string, unknown> | undefined) ?? {}) };
    const out = ctx.templar.renderString(text, vars);
    const want = /\n*$/.exec(text)![0].length;
    const have = /\n*$/.exec(out)![0].length;
    return want > have ? out + '\n'.repeat(want - have) : out;
  });
};
