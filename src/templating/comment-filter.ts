// Ansible's comment filter, every style and keyword (prefix, postfix, decoration, counts,
// beginning, end, newline). Drover's version knew only '#' and got 'c' wrong.
import { TemplateError } from '../cli/errors.js';
import { numberOf } from './python-float.js';
import { pyStr } from './python-repr.js';

const STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** comment(text, style='plain', **kw) as ansible.builtin.comment writes it. */
export function commentFilter(v: unknown, ...args: unknown[]): string {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  const { __keywords: _k, style: styleKw, ...kw } = last && typeof last === 'object' && last.__keywords ? (args.pop() as Record<string, unknown>) : ({} as Record<string, unknown>);
  const style = args[0] ?? styleKw ?? 'plain';
  const styleParams = STYLES[String(style)];
  if (!styleParams) throw new TemplateError(`'${pyStr(style)}'`);
  const prepostfix = pyStr('decoration' in kw ? kw.decoration : styleParams.decoration).trimEnd();
  const p: Record<string, unknown> = { newline: '\n', beginning: '', prefix: prepostfix, prefix_count: 1, decoration: '', postfix: prepostfix, postfix_count: 1, end: '', ...styleParams, ...kw };
  const nl = pyStr(p.newline);
  const deco = pyStr(p.decoration);
  const text = pyStr(v);
  const beginning = p.beginning ? `${pyStr(p.beginning)}${nl}` : '';
  const prefixCount = numberOf(p.prefix_count) ?? 1;
  const prefix = !p.prefix ? '' : (pyStr(p.prefix) !== nl ? `${pyStr(p.prefix)}${nl}` : nl).repeat(Math.max(0, prefixCount));
  const body = `${deco}${text.split(nl).join(`${nl}${deco}`)}`.split(`${deco}${nl}`).join(`${deco.trimEnd()}${nl}`);
  const postfix = ['', ...Array.from({ length: numberOf(p.postfix_count) ?? 1 }, () => pyStr(p.postfix))].join(nl);
  const end = p.end ? `${nl}${pyStr(p.end)}` : '';
  return `${beginning}${prefix}${body}${postfix}${end}`;
}
