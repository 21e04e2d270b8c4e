// from_yaml_all: every document of a YAML stream, typed by the same PyYAML resolvers as
// playbooks (yaml.safe_load_all).
import { parseAllDocuments } from 'yaml';
import { TemplateError } from '../cli/errors.js';
import { ANSIBLE_YAML_SCHEMA } from '../playbook/yaml-resolvers.js';

/** Each document's value, in order. */
export function parseAllYaml(text: string): unknown[] {
  const docs = parseAllDocuments(text, { version: '1.1', schema: ANSIBLE_YAML_SCHEMA, uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  for (const d of docs) if (d.errors.length) throw new TemplateError(`YAML syntax error: ${d.errors[0]!.message.split('\n')[0]}`);
  return docs.map((d) => d.toJS());
}
