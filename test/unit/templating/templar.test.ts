// Templating: Ansible's filters, tests, native types and undefined-variable errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError } from '../../../src/cli/errors.js';
import { createTemplar, OMIT } from '../../../src/templating/templar.js';

const t = createTemplar();
const vars = { n: 3, s: 'Hello World', l: ['b', 'a', 'b'], d: { k: 'v', n: { x: 1 } }, none: null, res: { changed: true, failed: false, skipped: false, rc: 0 }, ver: '1.6.2' };
const r = (x: string): unknown => t.render(x, vars);

// Expected values are ansible-core 2.14's Templar.template() results (the differential harness,
// test/differential: none-rendering, operators, escapes).
test('a lone expression keeps a list, dict or bool; a number it computes is text, as in Ansible', () => {
  assert.deepEqual(r('{{ l }}'), ['b', 'a', 'b']);
  assert.equal(r('{{ n + 1 }}'), '4', 'ansible_eval_concat turns the single node into text');
  assert.equal(r('{{ n }}\n'), 3, 'Ansible drops the newline after a lone non-string expression');
  assert.equal(r('{{ s }}\n'), 'Hello World\n');
  assert.equal(r('list: {{ l }} none: {{ none }} yes: {{ res.changed }}'), "list: ['b', 'a', 'b'] none:  yes: True", 'a printed None is empty');
  assert.deepEqual(r('[{{ n }}, {{ n }}]'), [3, 3]);
  assert.equal(r('plain text'), 'plain text');
});

test('filters', () => {
  const cases: [string, unknown][] = [
    ['{{ missing | default("x") }}', 'x'],
    ['{{ "" | default("x", true) }}', 'x'],
    ['{{ "yes" | bool }}', true],
    ['{{ "42" | int + 1 }}', '43'],
    ['{{ l | unique }}', ['b', 'a']],
    ['{{ [1, 2] | union([2, 3]) }}', [1, 2, 3]],
    ['{{ [1, 2, 3] | difference([2]) }}', [1, 3]],
    ['{{ [[1, [2]], 3] | flatten }}', [1, 2, 3]],
    ['{{ [[1, [2]], 3] | flatten(1) }}', [1, [2], 3]],
    ['{{ {"a": 1} | combine({"b": 2}) }}', { a: 1, b: 2 }],
    ['{{ {"a": {"x": 1} } | combine({"a": {"y": 2} }, recursive=True) }}', { a: { x: 1, y: 2 } }],
    ['{{ d | dict2items }}', [{ key: 'k', value: 'v' }, { key: 'n', value: { x: 1 } }]],
    ['{{ [{"key": "a", "value": 1}] | items2dict }}', { a: 1 }],
    ['{{ {"b": 1, "a": [1, 2]} | to_json }}', '{"b": 1, "a": [1, 2]}'],
    ['{{ {"b": 1, "a": 2} | to_nice_json }}', '{\n    "a": 2,\n    "b": 1\n}'],
    ['{{ "a: 1" | from_yaml }}', { a: 1 }],
    ['{{ "[1]" | from_json }}', [1]],
    ['{{ "hi" | b64encode }}', 'aGk='],
    ['{{ "aGk=" | b64decode }}', 'hi'],
    // a task argument's backslashes inside {{ }} are doubled by Ansible: one is enough, two match a backslash
    ['{{ "ab12" | regex_replace("(\\d)", "<\\1>") }}', 'ab<1><2>'],
    ['{{ "ab12" | regex_replace("(\\\\d)", "<\\\\1>") }}', 'ab12'],
    ['{{ "k8s-1.6.2" | regex_search("(?P<v>\\d+\\.\\d+)") }}', '1.6'],
    ['{{ "/etc/app/a.conf" | basename }}', 'a.conf'],
    ['{{ "/etc/app/a.conf" | dirname }}', '/etc/app'],
    ['{{ l | join("-") }}', 'b-a-b'],
    ['{{ true | ternary("on", "off") }}', 'on'],
    // Python's shlex.quote, as Ansible's quote filter
    ["{{ \"it's\" | quote }}", "'it'\"'\"'s'"],
    ['{{ "abc" | hash("sha1") }}', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['{{ s.split() }}', ['Hello', 'World']],
    ['{{ s.startswith("Hell") }}', true],
    ['{{ d.get("zz", 5) }}', '5'],
    ['{{ l | map("upper") | list }}', ['B', 'A', 'B']],
    ['{{ [1, 2, 3, 4] | select("even") | list }}', [2, 4]],
  ];
  for (const [expr, want] of cases) assert.deepEqual(r(expr), want, expr);
});

test('tests', () => {
  assert.equal(r('{{ missing is defined }}'), false);
  assert.equal(r('{{ d.k is defined and d.nope is undefined }}'), true);
  assert.equal(r('{{ res is changed and res is succeeded and not (res is failed) and not (res is skipped) }}'), true);
  assert.equal(r('{{ ver is version("1.5", ">=") and ver is version("2.0", "lt") }}'), true);
  assert.equal(r('{{ s is match("Hel") and s is search("World") and not (s is match("World")) }}'), true);
  assert.equal(r('{{ none is none }}'), true);
});

test('undefined variables raise an error naming them, except where defaults apply', () => {
  assert.throws(() => r('{{ nope }}'), (e: TemplateError) => e instanceof TemplateError && e.variable === 'nope' && /'nope' is undefined/.test(e.message));
  assert.throws(() => r('x {{ nope | upper }}'), /'nope' is undefined/);
  assert.throws(() => r('{{ d.nope }}'), /has no attribute 'nope'/);
  assert.throws(() => r('{% for x in nope %}{% endfor %}'), /'nope' is undefined/);
  assert.throws(() => r('{{ nope | mandatory }}'), /Mandatory variable 'nope'/);
});

test('conditions: strings, booleans, lists, and Ansible truthiness of strings', () => {
  assert.equal(t.isTrue('n == 3', vars), true);
  assert.equal(t.isTrue(['n == 3', 'res.changed'], vars), true);
  assert.equal(t.isTrue(['n == 3', 'not res.changed'], vars), false);
  assert.equal(t.isTrue('{{ n > 5 }}', vars), false);
  assert.equal(t.isTrue(false, vars), false);
  // Ansible evaluates `{% if "no" %}`: a non-empty string literal is true (differential truthiness#73)
  assert.equal(t.isTrue('"no"', vars), true);
  assert.equal(t.isTrue('True', vars), true);
});

test('omit and the fast path', () => {
  assert.equal(r('{{ omit }}'), OMIT);
  assert.equal(t.isTemplate('no braces here'), false);
  assert.equal(t.isTemplate('a {{ b }}'), true);
  // strings without template syntax are returned as the very same value, never parsed
  const big = 'x'.repeat(100000);
  assert.equal(t.render(big, vars), big);
});

test('variables whose values are templates are rendered when used (lazily, like Ansible)', () => {
  const v = { inventory_hostname: 'h1', name: '{{ inventory_hostname }}', url: 'https://{{ name }}:2379', list: ['{{ name }}'], d: { k: '{{ url }}' } };
  assert.equal(t.render('{{ url }}', v), 'https://h1:2379');
  assert.deepEqual(t.render('{{ list }}', v), ['h1']);
  assert.equal(t.render('{{ d.k }}', v), 'https://h1:2379');
});

test("a computed number is text ('5'), and module arguments typed int or bool still take it, as Ansible's type checks do", async () => {
  const { normalizeArgs } = await import('../../../src/modules/args.js');
  const { findModule } = await import('../../../src/modules/index.js');
  const rendered = t.render({ url: 'http://127.0.0.1/', timeout: '{{ n + 2 }}', validate_certs: '{{ n > 1 }}' }, vars) as Record<string, unknown>;
  assert.deepEqual(rendered, { url: 'http://127.0.0.1/', timeout: '5', validate_certs: true });
  const args = normalizeArgs(findModule('uri')!, rendered);
  assert.equal(args.timeout, 5);
  assert.equal(args.validate_certs, true);
});
