// The README's keyword table, rendered from keyword-table.ts, so the compatibility section
// can never claim a keyword the loader refuses (test/unit/playbook/keyword-readme.test.ts).
import { KEYWORD_TABLE, type KeywordEntry } from './keyword-table.js';

function drover(e: KeywordEntry): string {
  if (e.status === 'refused') return `refused (exit 5): ${e.hint ?? ''}`;
  const parts = ['yes'];
  if (e.refusedOn?.length) parts.push(`refused on ${e.refusedOn.join(', ')} (exit 5): ${e.hint ?? ''}`);
  if (e.droverLiteral) parts.push(`a template is exit 5: ${e.droverLiteral}`);
  return parts.join('; ');
}

/** The markdown table of every keyword: where it applies, what Drover does, whether Ansible templates it. */
export function keywordTableMarkdown(): string {
  const rows = KEYWORD_TABLE.map((e) => `| \`${e.keyword}\` | ${e.objects.join(', ')} | ${drover(e)} | ${e.templated ? 'yes' : 'no'} |`);
  return ['| keyword | on | Drover | Ansible templates it |', '|---|---|---|---|', ...rows].join('\n');
}
