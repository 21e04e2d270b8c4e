// Jinja 3.1's urlize filter: the text is HTML-escaped, links keep their surrounding
// punctuation outside, www. and bare domains link to https://, e-mail addresses to mailto:,
// rel is the sorted union of rel=, nofollow and the policy's "noopener", long link texts are
// trimmed with "...". nunjucks' own urlize differed in each of these.
import { TemplateError } from '../cli/errors.js';
import { pyStr } from './python-repr.js';

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML[c]!);

const HTTP = new RegExp(
  '^(?:(?:https?://|www\\.)(?:[\\w%-]+\\.)*(?:[a-z]{2,63}|xn--[\\w%]{2,59})' +
    '|(?:[\\w%-]{2,63}\\.)+(?:com|net|int|edu|gov|org|info|mil)' +
    '|https?://(?:\\d{1,3}(?:\\.\\d{1,3}){3}|\\[(?:[\\da-f]{0,4}:){2}(?:[\\da-f]{0,4}:?){1,6}\\]))' +
    '(?::\\d{1,5})?(?:[/?#]\\S*)?$',
  'i',
);
const EMAIL = /^\S+@\w[\w.-]*\.\w+$/;
const SCHEME = /^[a-zA-Z][\w+.-]*:(\/\/)?$/;

/** do_urlize(value, trim_url_limit=None, nofollow=False, target=None, rel=None, extra_schemes=None). */
export function urlize(value: unknown, trimUrlLimit?: number | null, nofollow = false, target?: string | null, rel?: string | null, extraSchemes?: string[] | null): string {
  const relParts = new Set(String(rel ?? '').split(/\s+/).filter(Boolean));
  if (nofollow) relParts.add('nofollow');
  relParts.add('noopener');
  const relAttr = ` rel="${escapeHtml([...relParts].sort().join(' '))}"`;
  const targetAttr = target ? ` target="${escapeHtml(String(target))}"` : '';
  for (const s of extraSchemes ?? []) if (!SCHEME.test(String(s))) throw new TemplateError(`'${String(s)}' is not a valid URI scheme prefix.`);
  const trim = (x: string): string => (trimUrlLimit !== undefined && trimUrlLimit !== null && x.length > trimUrlLimit ? `${x.slice(0, trimUrlLimit)}...` : x);
  const words = escapeHtml(pyStr(value)).split(/(\s+)/);
  return words
    .map((word) => {
      let head = '';
      let middle = word;
      let tail = '';
      const lead = /^(?:[(<]|&lt;)+/.exec(middle);
      if (lead) {
        head = lead[0];
        middle = middle.slice(head.length);
      }
      const trail = /(?:[)>.,\n]|&gt;)+$/.exec(middle);
      if (trail) {
        tail = trail[0];
        middle = middle.slice(0, trail.index);
      }
      // prefer balancing parentheses in the link over leaving a closing one outside
      for (const [open, close] of [['(', ')'], ['<', '>'], ['&lt;', '&gt;']] as const) {
        const opens = middle.split(open).length - 1;
        if (opens <= middle.split(close).length - 1) continue;
        for (let k = Math.min(opens, tail.split(close).length - 1); k > 0; k--) {
          const end = tail.indexOf(close) + close.length;
          middle += tail.slice(0, end);
          tail = tail.slice(end);
        }
      }
      if (HTTP.test(middle)) {
        const href = middle.startsWith('https://') || middle.startsWith('http://') ? middle : `https://${middle}`;
        middle = `<a href="${href}"${relAttr}${targetAttr}>${trim(middle)}</a>`;
      } else if (middle.startsWith('mailto:') && EMAIL.test(middle.slice(7))) middle = `<a href="${middle}">${middle.slice(7)}</a>`;
      else if (middle.includes('@') && !middle.startsWith('www.') && !middle.includes(':') && EMAIL.test(middle)) middle = `<a href="mailto:${middle}">${middle}</a>`;
      else for (const scheme of extraSchemes ?? []) if (middle !== scheme && middle.startsWith(scheme)) middle = `<a href="${middle}"${relAttr}${targetAttr}>${middle}</a>`;
      return head + middle + tail;
    })
    .join('');
}
