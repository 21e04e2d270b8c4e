// The differences from ansible-core that Drover keeps on purpose, each with its reason. The
// differential suite (allow-list.test.ts) fails on any divergence no entry explains, and on
// an entry (or a listed id) that explains nothing any more, so the list stays short and true.
import type { Case, Outcome } from './case-types.js';
import { showOutcome } from './compare-outcomes.js';
import { needsStep } from './yaml-allow-list.js';

/** One case with both sides' outcomes, as an entry's predicate sees it. */
export interface CaseRun {
  case: Case;
  ansible: Outcome;
  drover: Outcome;
}

/** An allowed difference: why, and which divergent cases it covers (by id, or by a predicate). */
export interface AllowEntry {
  name: string;
  reason: string;
  ids?: string[];
  match?: (r: CaseRun) => boolean;
}

const isError = (o: Outcome): boolean => 'error' in o;
const text = (o: Outcome): string | undefined => ('value' in o && o.value.t === 'str' ? String(o.value.v) : undefined);
const TWO_53 = 2n ** 53n;

/** Python's truth of a typed value (the cond mode only needs containers, numbers and text). */
function pyTruth(o: Outcome): boolean | undefined {
  if (!('value' in o)) return undefined;
  const { t, v } = o.value;
  if (t === 'none') return false;
  if (t === 'bool') return v as boolean;
  if (t === 'list' || t === 'dict') return (v as unknown[]).length > 0;
  if (t === 'str') return (v as string).length > 0;
  if (t === 'int' || t === 'float') return Number(v) !== 0;
  return undefined;
}

/** The entries. Keep this list short: a divergence that is a bug is fixed, not listed. */
export const ALLOW_LIST: AllowEntry[] = [
  {
    name: 'undefined-truth-returns-source',
    reason:
      "ansible-core 2.14 hands back the template's own source, unrendered, when an undefined value (an attribute or item " +
      'that does not exist) is tested for truth inside the expression; Drover fails with the undefined error instead of ' +
      'writing an unrendered template into a file or module argument',
    match: ({ case: c, ansible, drover }) => c.mode !== 'yaml' && c.mode !== 'cond' && text(ansible) === c.input && isError(drover),
  },
  {
    name: 'ints-past-2^53',
    reason:
      'Python ints are unbounded, JavaScript numbers are doubles: an integer beyond 2^53 (a YAML literal, a template literal ' +
      'or arithmetic) is held as the nearest double; BigInt would have to reach every module, filter and JSON writer',
    match: ({ case: c, ansible, drover }) => {
      if (c.mode === 'yaml') return needsStep('bigint', ansible, drover);
      const a = text(ansible) ?? ('value' in ansible && ansible.value.t === 'int' ? String(ansible.value.v) : undefined);
      const d = text(drover);
      if (!a || !d || !/^-?\d+$/.test(a)) return false;
      const big = BigInt(a);
      return (big > TWO_53 || big < -TWO_53) && String(Number(a)) === d;
    },
  },
  {
    name: 'yaml-whole-floats',
    reason: 'JavaScript has one number type: a YAML float with a whole value (1.0, 5., 1e3) is read as the number 1, 5, 1000; inside the templar a float stays a float, but data loaded from YAML does not',
    match: ({ case: c, ansible, drover }) => c.mode === 'yaml' && needsStep('float', ansible, drover),
  },
  {
    name: 'yaml-dates-as-text',
    reason: "Drover has no date type: a YAML date or timestamp is read as the text Python's str() prints for it, so templates render the same, but date attributes and arithmetic do not exist",
    match: ({ case: c, ansible, drover }) => c.mode === 'yaml' && needsStep('date', ansible, drover),
  },
  {
    name: 'yaml-binary-as-text',
    reason: 'Drover has no bytes type: !!binary is read as the decoded text, which is what a template prints for it',
    match: ({ case: c, ansible, drover }) => c.mode === 'yaml' && needsStep('bytes', ansible, drover),
  },
  {
    name: 'non-string-mapping-keys',
    reason:
      "Drover's mappings are JavaScript objects, whose keys are text: a key 1, True or None (in YAML or in a dict literal) " +
      "becomes '1', 'True'/'true', 'null'; in Python True == 1, so YAML's true: overwrites 1: where Drover keeps both",
    ids: ['literals#57', 'literals#58', 'literals#63', 'literals#64'],
    match: ({ case: c, ansible, drover }) => c.mode === 'yaml' && (needsStep('keys', ansible, drover) || c.input.startsWith('1: int key\n')),
  },
  {
    name: 'yaml-refused-tags',
    reason: 'refused at load with a hint: !unsafe (Drover cannot keep a value from being templated; use {% raw %}) and !!set (Drover has no set type; use a list)',
    match: ({ case: c, drover }) => c.mode === 'yaml' && isError(drover) && (c.input.includes('!unsafe') || c.input.includes('!!set')),
  },
  {
    name: 'condition-value-is-its-truth',
    reason:
      "a when: is only ever used for its truth: ansible-core's evaluate_conditional hands back a falsy non-boolean result " +
      "itself ([] for when: '{{ el }}'), Drover's condition gives the boolean with the same truth",
    match: ({ case: c, ansible, drover }) => c.mode === 'cond' && 'value' in drover && drover.value.t === 'bool' && 'value' in ansible && ansible.value.t !== 'bool' && pyTruth(ansible) === drover.value.v,
  },
  {
    name: 'constant-folded-slice',
    reason:
      'Jinja evaluates constant expressions while it compiles a template, and that folding slices through environment.getitem, ' +
      'so slicing a literal None or number ((none)[1:], (-1)[::2]) is undefined there; the same slice at run time (of a ' +
      'variable) is a TypeError, which is what Drover always raises',
    ids: ['generated#169', 'generated#169/text', 'generated#624', 'generated#624/text', 'generated#624/cond'],
  },
  {
    name: 'method-object-address',
    reason: "Python prints a method object with its memory address ('<built-in method upper of str object at 0x97b620>'), which changes from run to run, so no template can rely on the text",
    match: ({ ansible }) => /<built-in method \w+ of \w+ object at 0x[0-9a-f]+>/.test(showOutcome(ansible)),
  },
  {
    name: 'native-text-class-name',
    reason:
      "type_debug of what to_json/to_yaml/string return names Ansible's internal str subclass NativeJinjaText; in Drover it is a plain str (the class only steers Ansible's own literal_eval, which Drover models without it)",
    match: ({ case: c, ansible, drover }) => c.input.includes('type_debug') && showOutcome(ansible).includes('NativeJinjaText') && showOutcome(ansible).replace(/NativeJinjaText/g, 'str') === showOutcome(drover),
  },
];
