// What README.md claims about Ansible compatibility, read from its text: the filters, tests
// and lookups the Templating section lists as supported, and the keywords the Compatibility
// section names as implemented or as refused. readme-claims.test.ts holds each claim against
// the keyword table, Drover's registries and the differential harness.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's README. */
export const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');

/** The text under a heading, up to the next heading of the same or a higher level. */
export function readmeSection(readme: string, heading: string): string {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

const backticked = (s: string): string[] => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The filters, tests and lookups README's Templating section lists as supported. */
export function templatingClaims(readme: string): { filters: string[]; tests: string[]; lookups: string[] } {
  const text = readmeSection(readme, '### Templating');
  const list = (label: string): string[] => {
    const m = new RegExp(`${label}: \`([^\`]+)\``).exec(text);
    if (!m) throw new Error(`README's Templating section has no "${label}: \`...\`" list`);
    return m[1]!.split(/\s+/).filter(Boolean).flatMap((n) => n.split('/'));
  };
  const lookups = /Lookups \(.*?\):((?:\s*`\w+`,?(?:\s*and)?)+)/s.exec(text);
  if (!lookups) throw new Error("README's Templating section has no Lookups (...): `a`, `b` list");
  return { filters: list('Filters'), tests: list('Tests'), lookups: backticked(lookups[1]!) };
}

/** Keywords the Compatibility section names: in its "Not supported yet" paragraph (refused), anywhere else in its prose (implemented). */
export function keywordClaims(readme: string, known: Set<string>): { implemented: string[]; refused: string[] } {
  const section = readmeSection(readme, '## Compatibility with Ansible');
  // the generated table is checked by test/unit/playbook/keyword-readme.test.ts
  const prose = section.replace(/<!-- keyword-table:start[\s\S]*<!-- keyword-table:end -->/, '');
  const paragraphs = prose.split(/\n\s*\n/);
  const names = (p: string): string[] => backticked(p).flatMap((b) => b.split('/')).filter((n) => known.has(n));
  const refusedParagraph = paragraphs.filter((p) => p.startsWith('Not supported yet'));
  return {
    refused: [...new Set(refusedParagraph.flatMap(names))],
    implemented: [...new Set(paragraphs.filter((p) => !p.startsWith('Not supported yet')).flatMap(names))],
  };
}

/** Whether a case's input uses the filter, test or lookup of that name. */
export function usesName(kind: 'filter' | 'test' | 'lookup', name: string, input: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // a collection's prefix (ansible.builtin., ansible.utils.) names the same plugin
  const fq = `(?:\\w+\\.\\w+\\.)?${n}(?![\\w.])`;
  if (kind === 'filter') return new RegExp(`\\|\\s*${fq}`).test(input);
  if (kind === 'test') return new RegExp(`\\bis\\s+(?:not\\s+)?${fq}|(?:select|reject)(?:attr)?\\([^)]*['"]${n}['"]`).test(input);
  return new RegExp(`\\b(?:lookup|query|q)\\(\\s*['"]${n}['"]|\\bwith_${n}\\b`).test(input);
}

/** The README's text. */
export function readReadme(): string {
  return readFileSync(README, 'utf8');
}
