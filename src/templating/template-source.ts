// Jinja's reading of template text that nunjucks lacked, applied to the source before
// nunjucks sees it: newlines normalised to \n (Jinja's newline_sequence), trim_blocks also
// after a comment (`{# c #}\n` leaves no empty line), `{%+` (keep leading whitespace, the
// default here), and whitespace control on `{% raw -%}` / `{%- endraw %}`.

/** The template text as Jinja's lexer would see it, in a form nunjucks reads the same way. */
export function normalizeTemplateSource(source: string): string {
  if (!/[\r{]/.test(source)) return source;
  return source
    .replace(/\r\n?/g, '\n')
    .replace(/(\{#[\s\S]*?#\})\n/g, '$1')
    .replace(/\{%\+/g, '{%')
    .replace(/(\{%-?\s*raw\s*)-%\}\s*/g, '$1%}')
    .replace(/\s*\{%-(\s*endraw)/g, '{%$1');
}
