// Divergences the differential harness found and Drover fixed: each group runs its cases
// through real Ansible (ansible-core's Templar) and Drover and demands identical results.
// The whole corpus is held against the reasoned allow-list by allow-list.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divergencesFrom, SHARED_VARS } from './same-as-ansible.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputError } from '../../src/cli/errors.js';
import { parseYaml } from '../../src/playbook/yaml-source.js';
import { createTemplar } from '../../src/templating/templar.js';
import { loadCorpus } from './load-corpus.js';
import { yamlDivergences } from './yaml-same-as-ansible.js';

test('empty lists and dicts are false in if, not, or, and, inline if and conditions (Python truthiness)', () => {
  const exprs = ["{{ 'x' if el else 'y' }}", "{{ 'x' if ed else 'y' }}", "{{ el or 'fallback' }}", "{{ ed or 'fallback' }}", '{{ not el }}', '{{ not ed }}', "{{ el and 'x' }}", "{{ d and 'x' }}", "{{ l or 'x' }}"];
  const templates = ['{% if el %}yes{% else %}no{% endif %}', '{% if ed %}yes{% else %}no{% endif %}', '{% if not el %}empty{% endif %}', '{% if el or ed %}any{% else %}none{% endif %}', '{% if l and d %}both{% endif %}'];
  const conds = ['not el', 'not ed', 'el and d', 'not (el or ed)', 'l and not el'];
  assert.deepEqual([...divergencesFrom(exprs, ['value', 'text']), ...divergencesFrom(templates, ['text']), ...divergencesFrom(conds, ['cond'])], []);
});

test("string literals unescape as Python's do: '\\d' keeps its backslash, '\\x41' is A (regex patterns in templates work)", () => {
  const templates = [
    "{{ '\\d+' }}",
    "{{ 'a1b22' | regex_replace('\\d+', '#') }}",
    "{{ 'a.b' | regex_replace('\\.', '-') }}",
    "{{ 'host01' | regex_search('\\d+') }}",
    "{{ 'x' is match('\\w') }}",
    "{{ '\\x41\\u00e9\\101' }}",
    "{{ 'a\\\\b' }}",
    "{{ 'it\\'s' }}",
    "{% set p = '\\d' %}{{ p }}",
    "{{ 'a\\tb' | length }}",
  ];
  const conds = ["'1.2' is search('\\.')", "s is search('\\w+ \\w+')", "'a\\nb' | length == 3"];
  assert.deepEqual([...divergencesFrom(templates, ['text']), ...divergencesFrom(conds, ['cond'])], []);
});

test('negative indexes and slices of lists and strings follow Python', () => {
  const exprs = ['{{ l[-1] }}', '{{ l[-2] }}', "{{ s[-1] }}", '{{ nums[1:] }}', '{{ nums[:2] }}', '{{ nums[:-1] }}', '{{ nums[::-1] }}', '{{ nums[::2] }}', '{{ nums[10:] }}', '{{ nums[2:0:-1] }}', '{{ s[:5] }}', '{{ s[::-1] }}', '{{ s[-5:] }}', "{{ 'abc'[::2] }}", "{{ s.split(' ')[-1] }}", '{{ l[5] }}'];
  assert.deepEqual(divergencesFrom(exprs, ['text']), []);
});

test('nested dict literals may end right before }} (Jinja balances braces)', () => {
  const inputs = ["{{ {'a': {'b': 1}}}}", "{{ {'a': {'b': {'c': 1}}} }}", "x={{ {'a': {'b': 1}}}}", "{{ {'k': {'x': [1, {'y': 2}]}} }}", "{{ {'b': 1, 'a': {'c': [1, 2]}} | to_json }}", "{{ [{'a': 1}, {'b': {'c': 2}}] }}"];
  assert.deepEqual(divergencesFrom(inputs, ['value', 'text']), []);
});

test('for loops with an if filter: items filtered first, loop.index/length and else see the kept ones', () => {
  const templates = [
    '{% for x in nums if x > 1 %}{{ x }},{% endfor %}',
    '{% for x in nums if x > 10 %}{{ x }}{% else %}none{% endfor %}',
    '{% for x in nums if x != 1 %}{{ loop.index }}/{{ loop.length }} {% endfor %}',
    '{% for k, v in [[1, 2], [3, 4]] if v > 2 %}{{ k }}{% endfor %}',
    "{% for c in 'abc' if c != 'b' %}{{ c }}{% endfor %}",
    '{% for x in nums if x > n %}{{ x }}{% endfor %}',
  ];
  assert.deepEqual(divergencesFrom(templates, ['text', 'value']), []);
});

test('a test takes one argument without parentheses (x is divisibleby 3, x is in [..], s is search "re")', () => {
  const exprs = ['{{ n is divisibleby 3 }}', '{{ n is not divisibleby 2 }}', '{{ n is eq 3 }}', '{{ n is gt 2 }}', "{{ 'a' is in l }}", "{{ n is in [1, 3] }}", "{{ s is search 'World' }}", "{{ s is match 'Hell' }}", '{{ n is sameas none }}', "{{ 'x' if n is divisibleby 3 else 'y' }}"];
  const conds = ['n is divisibleby 3', "s is search 'World' and n is odd", 'n is not eq 4'];
  assert.deepEqual([...divergencesFrom(exprs, ['value', 'text']), ...divergencesFrom(conds, ['cond'])], []);
});

test('comparisons: == by value for lists and dicts, chained 1 < n < 5, list ordering, mixed types refused, in by value', () => {
  const exprs = ['{{ el == [] }}', '{{ ed == {} }}', "{{ [1, 2] == [1, 2] }}", "{{ {'a': 1} == {'a': 1} }}", '{{ 1 == 1.0 }}', '{{ 1 == true }}', "{{ 1 == '1' }}", '{{ 1 < n < 5 }}', '{{ 3 > 2 > 1 }}', '{{ 1 < 3 > 2 }}', '{{ [1, 2] < [1, 3] }}', "{{ 1 < 'a' }}", "{{ none < 1 }}", '{{ [1] in [[1], 2] }}', "{{ 1 in 'abc' }}", "{{ 'x' in none }}", "{{ 'k' in d }}", '{{ missing == none }}'];
  const conds = ['el == []', 'ed == {}', '1 < n < 5', "l == ['b', 'a', 'b']", "n > '2'"];
  assert.deepEqual([...divergencesFrom(exprs, ['value', 'text']), ...divergencesFrom(conds, ['cond'])], []);
});

test("~ concatenates Python's str() of each side (None, True, lists, dicts)", () => {
  const exprs = ["{{ 'x' ~ none }}", "{{ none ~ '' }}", "{{ 'x' ~ l }}", "{{ 'x' ~ d }}", "{{ 'x' ~ true }}", '{{ 1 ~ 2 }}', "{{ 'n=' ~ n }}", "{{ missing ~ 'x' }}"];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text']), []);
});

test("text filters take Python's str() of their input and Jinja's rules (title, center, wordcount, striptags, tojson, pprint)", () => {
  const exprs = ['{{ none | lower }}', '{{ l | upper }}', "{{ 'hello wORLD-x (y' | title }}", "{{ 'hELLO' | capitalize }}", "{{ 'xxaxx' | trim('x') }}", "{{ 'ab' | center(7) }}", "{{ 'abc' | center(8) }}", "{{ 'one two  three' | wordcount }}", "{{ '<p>a &amp; <b>b</b></p>' | striptags }}", "{{ {'b': [1, 'é'], 'a': none, 'c': '<&>'} | tojson }}", "{{ {'b': 1, 'a': [2]} | pprint }}", '{{ 42 | striptags }}'];
  assert.deepEqual(divergencesFrom(exprs, ['text']), []);
});

test('the true and false tests', () => {
  const exprs = ['{{ true is true }}', '{{ 1 is true }}', '{{ false is false }}', '{{ 0 is false }}', '{{ none is false }}', "{{ 'true' is true }}"];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text']), []);
});

test('a method called on a string literal holding a newline or backslash compiles', () => {
  const inputs = ["{{ 'a\\nb\\n'.splitlines() }}", "{{ 'line1\\nline2'.split('\\n') }}", "{{ 'a\\\\b'.upper() }}", "{{ 'x\"y'.upper() }}"];
  assert.deepEqual(divergencesFrom(inputs, ['text']), []);
});

test("more of Python's str methods: rfind, index errors, ljust/rjust/center, swapcase, replace with a count, format with names and specs, join refusing non-str", () => {
  const exprs = ["{{ 'Hello'.swapcase() }}", "{{ s.rfind('o') }}", "{{ s.index('z') }}", "{{ 'abc1'.isalnum() }}", "{{ 'ABC'.isupper() }}", "{{ 'ab'.center(6, '*') }}", "{{ 'ab'.ljust(4) ~ '|' }}", "{{ 'ab'.rjust(4) }}", "{{ s.replace('l', 'L', 1) }}", "{{ '{name}!'.format(name='x') }}", "{{ '{:>5}'.format('a') }}", "{{ '{:.2f}'.format(3.14159) }}", "{{ '{0}{1}{0}'.format('a', 'b') }}", "{{ '-'.join(nums) }}", "{{ 'x'.removeprefix('x') }}"];
  assert.deepEqual(divergencesFrom(exprs, ['text']), []);
});

test('namespace() objects take attribute assignments from inside loops', () => {
  const templates = [
    '{% set ns = namespace(total=0) %}{% for x in nums %}{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }}',
    "{% set ns = namespace(found=false) %}{% for x in l %}{% if x == 'a' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}",
    '{% set ns = namespace(items=[]) %}{% for x in nums %}{% set ns.items = ns.items + [x * 10] %}{% endfor %}{{ ns.items }}',
    '{% set ns = namespace() %}{% set ns.a = 1 %}{{ ns.a }}',
    "{% set ns = namespace(a=1, b='x') %}{{ ns.a }}{{ ns.b }}",
  ];
  assert.deepEqual(divergencesFrom(templates, ['text']), []);
});

test('+ and * as in Python: lists concatenate and repeat, strings repeat, mixed types are errors', () => {
  const exprs = ['{{ [1, 2] + [3] }}', '{{ l + nums }}', '{{ [1] * 3 }}', "{{ 'ab' * 3 }}", "{{ 3 * 'ab' }}", "{{ '-' * 0 }}", "{{ 'a' + 1 }}", "{{ 1 + 'a' }}", "{{ [1] + 'a' }}", '{{ none + 1 }}', "{{ 'a' * 1.5 }}"];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text']), []);
});

test('for iterates a dict by its keys and refuses None or a number', () => {
  const templates = ['{% for k in ports %}{{ k }} {% endfor %}', '{% for k in ports if k != "ssh" %}{{ k }} {% endfor %}', '{% for x in none %}{{ x }}{% endfor %}', '{% for x in n %}{{ x }}{% endfor %}', '{% for k, v in ports.items() %}{{ k }}={{ v }};{% endfor %}'];
  assert.deepEqual(divergencesFrom(templates, ['text'], { ...SHARED_VARS, ports: { http: 80, https: 443, ssh: 22 } }), []);
});

test('loop.previtem, nextitem, depth, cycle() and changed()', () => {
  const templates = ["{% for x in nums %}{{ loop.previtem | default('-') }}{% endfor %}", "{% for x in nums %}{{ loop.nextitem | default('-') }}{% endfor %}", "{% for x in nums %}{{ loop.cycle('odd', 'even') }} {% endfor %}", '{% for x in [1, 1, 2] %}{{ loop.changed(x) }} {% endfor %}', '{% for x in [[1, 2], [3]] %}{% for y in x %}{{ loop.depth }}{{ y }}{% endfor %}{% endfor %}'];
  assert.deepEqual(divergencesFrom(templates, ['text']), []);
});

test('filter keyword arguments land in their parameters (to_nice_json(indent=2), dict2items(key_name=...), regex_findall order)', () => {
  const exprs = ["{{ {'b': 1, 'a': {'c': [1, 2]}} | to_nice_json(indent=2) }}", "{{ {'b': 1, 'a': [1, 2]} | to_json(indent=2) }}", "{{ {'b': 1, 'a': [1, 2]} | to_json(sort_keys=true) }}", "{{ ports | dict2items(key_name='k', value_name='v') }}", "{{ [{'k': 'a', 'v': 1}] | items2dict(key_name='k', value_name='v') }}", "{{ missing | default(boolean=true, default_value='x') }}", "{{ 'aXbx' | regex_findall('x', false, true) }}", "{{ 'abc' | regex_replace('B', 'x', ignorecase=true) }}", "{{ none | ternary('y', 'n', none_val='null') }}", "{{ 'x' | to_json(bogus=1) }}"];
  assert.deepEqual(divergencesFrom(exprs, ['text'], { ...SHARED_VARS, ports: { http: 80, ssh: 22 } }), []);
});

test("bool as Ansible's to_bool: only yes, on, 1 and true (any case) are true", () => {
  const exprs = ["{{ 'y' | bool }}", "{{ 't' | bool }}", "{{ 'YES' | bool }}", "{{ 'On' | bool }}", '{{ 1 | bool }}', '{{ 2 | bool }}', "{{ '' | bool }}", '{{ true | bool }}'];
  assert.deepEqual(divergencesFrom(exprs, ['text']), []);
});

test("basename and dirname as Python's os.path", () => {
  const exprs = ["{{ '/a/b/' | basename }}", "{{ '/a/b/' | dirname }}", "{{ '/etc/app/a.conf' | basename }}", "{{ '/etc/app/a.conf' | dirname }}", "{{ 'file' | dirname }}", "{{ '/file' | dirname }}", "{{ '//x' | dirname }}", "{{ 'a//b' | dirname }}", "{{ '' | basename }}"];
  assert.deepEqual(divergencesFrom(exprs, ['text']), []);
});

test("to_nice_yaml prints what Ansible's PyYAML dump prints (indentation, quoting of YAML 1.1 look-alikes, floats)", () => {
  const exprs = [
    "{{ {'a': 1, 'b': [1, 2], 'c': {'d': 'x'}} | to_nice_yaml }}",
    "{{ {'a': 1, 'b': [1, 2], 'c': {'d': 'x'}} | to_nice_yaml(indent=2) }}",
    "{{ [{'a': 1, 'b': 2}, {'c': [3, 4]}] | to_nice_yaml }}",
    "{{ [[1, 2], [3]] | to_nice_yaml }}",
    "{{ {'k': [{'x': 1}, {'y': [1, 2]}]} | to_nice_yaml }}",
    "{{ {'s': 'yes', 'n': '1', 'e': '', 't': 'a: b', 'h': '#x', 'sp': ' x', 'u': 'é', 'z': none, 'f': 1.5, 'g': true, 'l': [], 'm': {}} | to_nice_yaml }}",
    "{{ {'x': 'y', 'on': 'on', 'tilde': '~', 'null': 'null', 'd': '2001-12-14', 'o': '0o17', 'x8': '08', 'e': '1e3', 'tiny': 0.00001} | to_nice_yaml }}",
    "{{ {'a': 'line1\\nline2'} | to_nice_yaml }}",
    "{{ users | to_nice_yaml }}",
  ];
  assert.deepEqual(divergencesFrom(exprs, ['text'], { ...SHARED_VARS, users: [{ name: 'alice', groups: ['adm', 'wheel'], shell: '/bin/bash' }, { name: 'bob', groups: [] }] }), []);
});

test("a macro's output is a string to filters, methods and str()", () => {
  const templates = ["{% macro m() %}x{% endmacro %}{{ m() | upper }}", "{% macro m() %}ab{% endmacro %}{{ m() | length }}", "{% macro m() %}a b{% endmacro %}{{ m() | title }}", "{% macro m() %}x{% endmacro %}{{ [m()] }}", "{% macro m() %}x{% endmacro %}{{ m() ~ 1 }}"];
  assert.deepEqual(divergencesFrom(templates, ['text']), []);
});

test("a value's lone {{ expr }} is text unless it reads back as a list, dict or bool (ansible_eval_concat), to_json/string results stay text", () => {
  const values = ['{{ 1 + 2 }}', '{{ n * 2 }}', '{{ 2.5 }}', '{{ nums | length }}', "{{ '42' | int }}", '{{ n }}', '{{ flag }}', '{{ n }}\n', '{{ n + 1 }}\n', "{{ '[1, 2]' }}", "{{ '[a, b]' }}", "{{ 'True' }}", "{{ '{' ~ '}' }}", "{{ '[1, 2]' | string }}", '{{ nums | to_json }}', '{{ true | string }}', "{{ {'a': 1} | to_nice_json }}", '{{ nums }}', "{{ {'a': [1, none]} }}", "x{{ '[1]' }}", "{{ '(1, 2)' }}", "[{{ n }}, '{{ s }}']", "{{ \"{'a': 0x10, 'b': -15, 'c': 'x' 'y'}\" }}"];
  assert.deepEqual(divergencesFrom(values, ['value'], { ...SHARED_VARS, flag: true }), []);
});

test("None prints as '' in {{ }} (Ansible's finalize) but as None inside a list; dict.get() of a missing key is None; a task argument's backslashes in {{ }} are doubled", () => {
  const inputs = ['{{ none }}', 'x{{ none }}y', '{{ [none] }}', "{{ none ~ '' }}", "{{ d.get('zz') }}", "{{ d.get('zz', 5) }}", "{{ d.get('zz') is none }}", "{% set x = none %}[{{ x }}]", "{{ none | default('d') }}"];
  const escapes = ['{{ "ab12" | regex_replace("(\\d)", "<\\1>") }}', '{{ "ab12" | regex_replace("(\\\\d)", "<\\\\1>") }}', "{{ 'a\\\\b' }} \\n", "x{% raw %}{{ '\\d' }}{% endraw %}", "{{ '\\x41' }}"];
  assert.deepEqual([...divergencesFrom(inputs, ['value', 'text']), ...divergencesFrom(escapes, ['value', 'text'])], []);
});

// --- yaml: Drover's loader (src/playbook/yaml-source.ts) against Ansible's DataLoader.load.
// Divergences Drover keeps on purpose (1.0 is 1, dates are their text...) are in yaml-allow-list.ts.

test('YAML: y, n, Y, N stay strings, as values and as keys ({x: 1, y: 2} keeps its key y)', () => {
  const inputs = ['v: y', 'v: n', 'v: Y\nw: N', '{x: 1, y: 2}', 'y: 1\nn: 2', 'v: {y: n}', 'x: 0o10\ny: 010\nz: 0x10', 'yes: 1\nno: 2\non: 3\noff: 4\ny: 5\nn: 6', 'v: !!bool Yes', 'v: !!bool y'];
  assert.deepEqual(yamlDivergences(inputs), []);
});

test("YAML: numbers typed by PyYAML's resolvers (1e3 and 08 are strings, -0 is the int 0, !!int/!!float convert)", () => {
  const inputs = ['v: 1e3', 'v: 1E3', 'v: 1e-3', 'v: 1.0e3', 'v: 12e03', 'v: 0e0', 'v: e3', 'v: [1e3, 0x1f, ~]', 'v: 08', 'v: 09', 'v: -0', 'v: -.5', 'v: 1.e+3', 'v: !!float 1.5', 'v: !!float .inf', 'v: !!int 0x1F', 'v: !!int abc', 'v: 0b_', 'v: 0_', 'v: 1_0:30', 'v: 190:20:30.15', 'v: ='];
  assert.deepEqual(yamlDivergences(inputs), []);
});

test('YAML: a valid JSON file is read as JSON first (1e3 is a number there)', () => {
  assert.deepEqual(yamlDivergences(['1e3', '{"v": 1e3}', '{"v": 1.5e3, "w": 1E-2, "x": -0}', '{"v": "yes", "w": "2001-12-14"}', '[1, 2.0, "x"]']), []);
});

test('YAML: timestamps as PyYAML reads them (2001-1-2 is a string, 2024-02-30 an error) and print as Python prints them', () => {
  const inputs = ['v: 2001-12-14', 'v: 2001-1-2', 'v: 2024-02-30', 'v: 2001-13-01', 'v: 2001-12-14 25:00:00', 'v: 2001-12-14t21:59:43.10-05:00', 'v: 2001-12-14 21:59:43', 'v: 2001-12-14T21:59:43Z', 'v: 2001-12-14 21:59:43.1234567 +05:30', 'v: 1999-1-2 3:04:05', 'v: !!timestamp 2001-1-2'];
  assert.deepEqual(yamlDivergences(inputs), []);
  // what ansible-core 2.14 printed for {{ v }} of these (str() of its date and datetime)
  const templar = createTemplar();
  const render = (yaml: string): string => templar.renderString('{{ v }}', parseYaml(yaml, 'x.yml') as Record<string, unknown>);
  assert.equal(render('v: 2001-12-14'), '2001-12-14');
  assert.equal(render('v: 2001-12-14t21:59:43.10-05:00'), '2001-12-14 21:59:43.100000-05:00');
  assert.equal(render('v: 2001-12-14 21:59:43'), '2001-12-14 21:59:43');
});

test('YAML: a second document is an error, not silently dropped', () => {
  assert.deepEqual(yamlDivergences(['---\na: 1\n---\nb: 2', 'a: 1\n---\n', 'a: 1\n...\n', 'a: 1\n...\n# done\n', '---\n...']), []);
  assert.throws(() => parseYaml('a: 1\n---\nb: 2\n', 'two.yml'), (e: InputError) => e.line === 2 && /single document/.test(e.message));
});

test('YAML: {{ x }} unquoted, lists or maps as keys, undefined aliases, unknown tags, !vault and !!set are refused', () => {
  const inputs = ['key: {{ unquoted }}', '- {{ x }}', 'a:\n  b: {{ x }}', 'msg: {{ a }} and more', '? [1, 2]\n: complex key', 'anchors: &anchor\n  - 1\nuse: *anchor\nmissing: *nope', 'v: !custom x', 'v: !custom {a: 1}', '- !!python/object:os.system x', 'v: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162', 'v: !!set {a, b}', 'v: !unsafe "{{ x }}"', 'v: !unsafe plain text', 'a: &a [1]\nb:\n  <<: *a'];
  assert.deepEqual(yamlDivergences(inputs), []);
  assert.throws(() => parseYaml('a: 1\nv: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n', 'v.yml'), (e: InputError) => e.line === 2 && /no vault support/.test(e.message));
  assert.throws(() => parseYaml('msg: {{ greeting }}\n', 'p.yml'), (e: InputError) => e.line === 1 && e.col === 7 && /unquoted/.test(e.message) && /"\{\{ x \}\}"/.test(e.hint ?? ''));
});

test('YAML: merge keys put merged pairs first and earlier sources win; %YAML 1.2 does not change typing; block scalars at the end of a file; !!pairs', () => {
  const inputs = ['base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3', 'base: &b {x: 1, y: 2}\nderived:\n  y: 3\n  <<: *b\n  w: 1', 'a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3', 'a: &a {k: a}\nb: &b {k: b, j: b}\nc:\n  <<: [*a, *b]', '%YAML 1.2\n---\nv: yes', 'v: |\n  line1\n  line2', 'v: >\n  folded\n  text', 'v: |+\n  keep', 'v: !!pairs [a: 1, b: 2]', 'v: !!omap [a: 1]', 'v: !!float 1', 'v: !!binary aGVsbG8='];
  assert.deepEqual(yamlDivergences(inputs), []);
});

test('YAML: the whole yaml corpus equals Ansible apart from the reasoned allow-list', () => {
  const inputs = loadCorpus(join(dirname(fileURLToPath(import.meta.url)), 'corpus')).filter((c) => c.area === 'yaml').map((c) => c.input);
  assert.ok(inputs.length > 200, `yaml corpus has ${inputs.length} cases`);
  assert.deepEqual(yamlDivergences(inputs), []);
});

test("filters real playbooks use: format (Python's %), regex_escape, extract (map('extract', hostvars)), subelements", () => {
  const users = [
    { name: 'alice', groups: ['adm', 'wheel'] },
    { name: 'bob', groups: [], shells: ['/bin/sh'] },
  ];
  const vars = { ...SHARED_VARS, hv: { web1: { tier: 'front', ip: '10.0.0.1' }, db1: { tier: 'back', ip: '10.0.0.2' } }, hosts: ['db1', 'web1'], users };
  const exprs = [
    "'shard-%02d' | format(3)", "'%.1f%%' | format(3 / 8 * 100)", "'%s=%s' | format('a', l)", "'%-5s|' | format('ab')", "'%5.2f' | format(2.345)", "'%x %X %o %#x' | format(255, 255, 8, 255)",
    "'%(a)s-%(b)d' | format(a='x', b=2)", "'%+d % d' | format(5, 5)", "'%e' | format(12345.678)", "'%g %g' | format(0.0001, 1234567)", "'%r' | format('x')", "'%d' | format('x')", "'%s %s' | format('x')", "'%s' | format('a', 'b')", "'%5s|%-3d|' | format(none, 7)",
    "'a.b*c' | regex_escape", "'1.2.3 (x) [y] $z ^w a-b a_b' | regex_escape", "'a.b[c]' | regex_escape('posix_basic')", "'x' | regex_escape('bogus')",
    "hosts | map('extract', hv) | list", "hosts | map('extract', hv, 'tier') | list", "'web1' | extract(hv, ['ip'])", "0 | extract(['a', 'b'])", "'zz' | extract(hv)",
    "users | subelements('groups')", "users | subelements('groups') | map('last') | list", "users | subelements('shells', skip_missing=true)", "users | subelements('shells')", "{'a': {'k': [1, 2]}} | subelements('k')", "users | subelements('name')",
  ];
  assert.deepEqual(divergencesFrom(exprs.map((e) => `{{ ${e} }}`), ['value', 'text'], vars), []);
});

test('literals as Jinja parses them: trailing commas, (x,) and (x, y) tuples, dict keys that are expressions or variables', () => {
  const exprs = ["{ 'a': 1, 'b': 2, } | to_nice_json", '[1, 2, ]', '(1,)', '(1, 2)', '(1, 2)[1]', "'b' in ('a', 'b')", '(n)', "{s: 1}", "{d.k: n}", "{'x' ~ n: [n, ]}", '{[1]: 2}', '{missing: 1}', "{'a': 1} | combine({s.split()[0]: 2})", "'abc' | dictsort"];
  const templates = ['{% for a, b in [(1, 2), (3, 4)] %}{{ a }}{{ b }}{% endfor %}', "{% set t = ('x', 'y', ) %}{{ t | join('-') }}", '{{ {"a": 1,}["a"] }}'];
  assert.deepEqual([...divergencesFrom(exprs.map((e) => `{{ ${e} }}`), ['value', 'text']), ...divergencesFrom(templates, ['text', 'value'])], []);
});

test("-, /, //, % and ** as in Python: numbers only, by zero an error, % takes the divisor's sign, 'str' % args formats", () => {
  const exprs = ['-7 % 3', '7 % -3', '-7 // 2', '7 // 0', '7 / 0', '7 % 0', '0 ** -1', "'a' ** 2", '[1] ** 2', "{'a': 1} - 1", "'abc' - 'a'", "'5' / 1", 'none - 1', 'true + 1', 'true / 2', "'%s-%02d' % ('a', 3)", "'%s' % l", "'%(k)s' % d", "'%d%%' % n", "'%s %s' % n", '2 ** 10', '-2 ** 2', 'n % 2', 'nums[0] // 2'];
  const conds = ['n % 2 == 1', "n / 0 > 1", "'%s' % n == '3'"];
  assert.deepEqual([...divergencesFrom(exprs.map((e) => `{{ ${e} }}`), ['value', 'text']), ...divergencesFrom(conds, ['cond'])], []);
});

test('groupby gives (grouper, items) pairs sorted by the attribute, as Jinja2', () => {
  const vars = { ...SHARED_VARS, disks: [{ dev: 'sda', type: 'ssd', host: { n: 'b' } }, { dev: 'sdb', type: 'hdd', host: { n: 'a' } }, { dev: 'sdc', type: 'ssd', host: { n: 'a' } }] };
  const exprs = ["disks | groupby('type')", "disks | groupby('type') | map('first') | list", "disks | groupby('host.n') | map('last') | map('length') | list", "disks | groupby('nosuch')"];
  const templates = ["{% for t, ds in disks | groupby('type') %}{{ t }}={{ ds | map(attribute='dev') | join(',') }};{% endfor %}"];
  assert.deepEqual([...divergencesFrom(exprs.map((e) => `{{ ${e} }}`), ['value', 'text'], vars), ...divergencesFrom(templates, ['text'], vars)], []);
});

test('floats stay floats: 4 / 2 is 2.0, float literals, float(), round, * and + with a float, repr of 1e-06 and 1e+16, to_json/to_yaml/string/~', () => {
  const exprs = ['{{ 4 / 2 }}', '{{ 2.0 }}', '{{ -0.0 }}', '{{ 3 | float }}', "{{ '2' | float }}", "{{ 'x' | float }}", '{{ 2.5 | round }}', '{{ 3.5 | round }}', '{{ 2.4 | round(0, "ceil") }}', '{{ 2.675 | round(2) }}', '{{ 3 | round }}', '{{ 1 + 2.0 }}', '{{ f * 2 }}', '{{ 7.5 // 2 }}', '{{ 5 % 2.0 }}', '{{ 4 ** 0.5 }}', '{{ 2 ** -1 }}', '{{ 0.000001 }}', '{{ 10 ** 20 / 1 }}', '{{ [4 / 2, 3 / 2] }}', "{{ {'whole': 4 / 2} }}", '{{ (4 / 2) | to_json }}', '{{ (4 / 2) | string }}', "{{ (4 / 2) ~ '' }}", '{{ [1.0] | to_yaml }}', '{{ (4 / 2) is float }}', '{{ (4 / 2) is integer }}', '{{ (4 / 2) | type_debug }}', '{{ nums | map("float") | list }}', '{{ nums | sum / nums | length }}', '{{ (4 / 2) | int }}', '{{ 2.0 == 2 }}', '{{ not 0.0 }}', '{{ - -1 }}', '{{ -(4 / 2) }}'];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text'], { ...SHARED_VARS, f: 2.5 }), []);
});

test("number literals as Jinja's: 1e3, 1.5e-3, 1E2, 0x1f, 0o17, 0b101, 1_000; 007 and 5. are errors; a bare inline if is not a when: condition", () => {
  const exprs = ['{{ 1e3 }}', '{{ 1.5e-3 }}', '{{ 1E2 }}', '{{ 1e-5 }}', '{{ 1.0e-5 }}', '{{ 0x1f }}', '{{ 0o17 }}', '{{ 0b101 }}', '{{ 1_000 }}', '{{ 007 }}', '{{ 5. }}', '{{ 1e16 + 0 }}', '{{ 1e300 * 1e10 }}', '{{ n / 1e3 }}'];
  const conds = ['1e3 if n else 0.5', '(1 if n else 2) == 1', "ver is version '1.5', '>='"];
  assert.deepEqual([...divergencesFrom(exprs, ['value', 'text']), ...divergencesFrom(conds, ['cond'], { ...SHARED_VARS, ver: '1.6' })], []);
});

test("numeric and sequence filters refuse what Python refuses ('a' | abs, none | length, true | list) and follow Python on the rest (int bases, sum start, max attribute, min of a string)", () => {
  const exprs = ["{{ 'a' | abs }}", "{{ '42' | round }}", '{{ none | length }}', '{{ 42 | count }}', '{{ true | list }}', '{{ none | first }}', '{{ 2.5 | last }}', '{{ el | first }}', "{{ '' | last }}", "{{ ['a', 1] | sum }}", "{{ '0b101' | int(0, 2) }}", "{{ '0x1f' | int(base=16) }}", "{{ '1e3' | int }}", "{{ ' 3 ' | float }}", '{{ nums | sum(start=10) }}', "{{ [[1], [2]] | sum(start=[]) }}", "{{ users | sum(attribute='uid') }}", "{{ users | max(attribute='uid') }}", "{{ 'Hello World' | max }}", "{{ {'b': 1, 'a': 2} | min }}", "{{ {'b': 1, 'a': 2} | first }}", "{{ {'b': 1, 'a': 2} | list }}", "{{ ['b', 'A', 'a'] | max }}", '{{ -3 | abs }}', '{{ -2.0 | abs }}'];
  const users = [{ name: 'alice', uid: 1001 }, { name: 'carol', uid: 1003 }, { name: 'bob', uid: 1002 }];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text'], { ...SHARED_VARS, users }), []);
});

test("tests with Python's types: a bool is a number, 0 is not lower, comparisons and divisibleby refuse mixed types, select('gt', 1) works", () => {
  const exprs = ['{{ true is number }}', '{{ 0 is lower }}', '{{ none is lower }}', "{{ 'abc' is lower }}", "{{ 'ABC' is upper }}", "{{ 'abc' is gt 6 }}", '{{ [1, 2] is le 6 }}', "{{ 'abc' is divisibleby 3 }}", '{{ none is even }}', "{{ 6 is in 'abcd' }}", '{{ none is list }}', '{{ nums | select("gt", 1) | list }}', "{{ nums | select('lessthan', 3) | list }}", '{{ 4 is divisibleby 2 }}', "{{ {'a': 1} is mapping }}", '{{ 2.0 is number }}'];
  const conds = ["'abc' is gt 6", 'n is odd', 'nums is not gt 1'];
  assert.deepEqual([...divergencesFrom(exprs, ['value', 'text']), ...divergencesFrom(conds, ['cond'])], []);
});

test("to_yaml writes PyYAML's default_flow_style=None (flat collections as [a, b] / {k: v}, wrapped past column 80); from_yaml reads with PyYAML's YAML 1.1 resolvers", () => {
  const exprs = ["{{ {'a': 1, 'b': [1, 2]} | to_yaml }}", "{{ ['a', 'b'] | to_yaml }}", "{{ {'x': {'y': [1, {'z': 2}]}, 'a b': 'c,d'} | to_yaml }}", "{{ [['a', 'b,c'], {'k': 'v: w'}] | to_yaml }}", "{{ {'l': [], 'd': {}} | to_yaml }}", "{{ ['yes', 'x#y', 'a: b', '', 'x[1]'] | to_yaml }}", '{{ range(40) | list | to_yaml }}', "{{ 'a: 1\\nb: [x, y]' | from_yaml }}", "{{ 'a: 1e3' | from_yaml }}"];
  assert.deepEqual(divergencesFrom(exprs, ['text']), []);
});

test("`is` parses as Jinja's postfix test (a filter after it takes the test's result; `1 ** 1 is falsy`), ~ binds tighter than + and -, * / // % are one level", () => {
  const exprs = ['{{ no is none | capitalize }}', "{{ [empty, []] is undefined | b64encode }}", '{{ 0 ** 2 is none }}', '{{ 1 ** 1 is falsy }}', '{{ f is not true + (1) }}', '{{ (not missing is true) }}', "{{ n ~ 'a' is in [1, 2] | default('d', true) }}", '{{ none is none }}', '{{ 1 is true }}', '{{ missing is none }}', '{{ missing is number }}', '{{ -1 is number }}', '{{ 3 * 2 // 4 }}', '{{ 1 - 2 + 3 }}', '{{ 1 ~ 2 + 3 }}', "{{ 'a' ~ 1 * 2 }}", "{{ 'a,b' is string | batch(2) | list }}", "{{ nums | batch(2, 'x') | list }}"];
  const conds = ['no is none | capitalize', 'missing is none', '1 ** 1 is falsy'];
  assert.deepEqual([...divergencesFrom(exprs, ['value', 'text'], { ...SHARED_VARS, no: false, f: 2.5 }), ...divergencesFrom(conds, ['cond'], { ...SHARED_VARS, no: false })], []);
});

test("an attribute or index of a str, number, bool or None is undefined (an error when used), as Jinja's", () => {
  const exprs = ["{{ ('x y').k }}", '{{ ((1, 2) | length)[1] }}', "{{ ('' != el)[1] }}", "{{ (not 'abc' is not boolean).k }}", "{{ n.k | default('d') }}", "{{ none.k is defined }}"];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text']), []);
});

test("a when: condition is Ansible's {% if <condition> %} (after rendering any {{ }} in it): quoted '0' or 'false' are true, a tuple is true, none.get() is an error", () => {
  const conds = ["' '", "'0'", "'false'", "'no'", "'None'", '{{ n }} == 3', "{{ 'false' }}", '{{ flag }}', "ver is version '1.5', '>='", "(none).get('a')", '(not -1).get(1)', '', 'n > 1 and s'];
  assert.deepEqual(divergencesFrom(conds, ['cond'], { ...SHARED_VARS, flag: 'false', ver: '1.6' }), []);
});

test("text filters take Python's str() of their input (no | b64encode is 'False'), join iterates any iterable and takes attribute=", () => {
  const exprs = ['{{ no | b64encode }}', "{{ 'x y' | join(',') }}", "{{ {'a': 1} | join(',') }}", "{{ users | join(',', attribute='name') }}", "{{ el | replace('a', 'b') }}", '{{ 12 | hash("md5") }}', "{{ [1, 2] | indent(2) }}"];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text'], { ...SHARED_VARS, no: false, users: [{ name: 'alice' }, { name: 'bob' }] }), []);
});

test('filters that were missing or returned lists for tuples: dictsort(by=, reverse=), items, zip, zip_longest, product, permutations, combinations, splitext, regex_findall groups, log/root/pow, filesizeformat, human_readable/human_to_bytes, wordwrap, xmlattr, escape/urlencode of any value, to_uuid, from_yaml_all', () => {
  const exprs = ['{{ ports | dictsort }}', "{{ ports | dictsort(by='value') }}", '{{ ports | dictsort(reverse=true) }}', '{{ ports | items | list }}', "{{ [1, 2] | zip(['a', 'b']) | list }}", "{{ [1] | zip_longest(['a', 'b']) | list }}", "{{ [1, 2] | zip_longest([3], fillvalue='f') | list }}", '{{ [1, 2, 3] | product([4, 5]) | list }}', '{{ [1, 2] | product(repeat=2) | list }}', '{{ [1, 2, 3] | permutations(2) | list }}', '{{ [1, 2, 3] | combinations(2) | list }}', "{{ 'file.tar.gz' | splitext }}", "{{ '.bashrc' | splitext }}", "{{ 'a1b2' | regex_findall('([a-z])([0-9])') }}", '{{ 16 | log(2) }}', '{{ 8 | root(3) }}', '{{ 2 | pow(10) }}', '{{ 1024 | filesizeformat }}', '{{ 1000000 | filesizeformat(true) }}', '{{ 1 | filesizeformat }}', '{{ 1048576 | human_readable }}', "{{ '1.5 GB' | human_to_bytes }}", "{{ 'a b c d e f' | wordwrap(5) }}", "{{ {'class': 'x', 'id': 1, 'n': none} | xmlattr }}", '{{ none | escape }}', "{{ ['b', 'A'] | e }}", "{{ '<a>' | escape is escaped }}", "{{ {'a': 'x y', 'b': 1} | urlencode }}", "{{ 'a b/c' | urlencode }}", "{{ 'x' | to_uuid }}", "{{ 'a: b\\n---\\nc: 1' | from_yaml_all | list }}", "{{ {'a': 1}.items() | list }}", '{{ [1, 2].append(3) }}', '{{ [3, 1, 2].sort() }}', '{{ nums.copy() }}', '{{ (2.0).is_integer() }}', '{{ n.bit_length() }}'];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text'], { ...SHARED_VARS, ports: { ssh: 22, http: 80, https: 443 } }), []);
});

test("sort, unique and reverse as Jinja's (case-insensitive by default, any iterable, attribute=); truncate's leeway; quote as shlex.quote; adjacent string literals; item.0 as an index; a dict's own key before its methods", () => {
  const exprs = ["{{ 'Hello World' | sort }}", "{{ {'b': 1, 'a': 2} | sort }}", "{{ ['b', 'A', 'a'] | sort }}", "{{ ['b', 'A', 'a'] | sort(case_sensitive=true) }}", "{{ users | sort(attribute='uid', reverse=true) | map(attribute='name') | list }}", "{{ ['A', 'a', 'b'] | unique | list }}", "{{ users | unique(attribute='active') | list | length }}", "{{ {'b': 1, 'a': 2} | reverse }}", '{{ s | truncate(5) }}', "{{ 'a very long sentence here' | truncate(10, true) }}", "{{ 'it''s a test' | quote }}", '{{ el | quote }}', "{{ 'a' 'b' }}", "{{ 'x' \"y\" }}", '{{ l.0 }}', '{{ s.1 }}', "{{ users.0.name }}", "{{ item['keys'] | length }}"];
  const users = [{ name: 'alice', uid: 1001, active: true }, { name: 'carol', uid: 1003, active: false }, { name: 'bob', uid: 1002, active: true }];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text'], { ...SHARED_VARS, users, item: { keys: ['a', 'b'] } }), []);
});

test('a {% set %} inside a for stays in its iteration (Jinja scoping), {% set a, b = 1, 2 %} unpacks, {% set x = 1, 2 %} is a tuple, {% with %} scopes its names', () => {
  const templates = ['{% set total = 0 %}{% for x in nums %}{% set total = total + x %}{% endfor %}{{ total }}', '{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}', '{% set t = 0 %}{% for x in [1, 2, 3] %}{% set t = t + x %}{{ t }},{% endfor %}', '{% for x in [1, 2] %}{% if x == 1 %}{% set y = 5 %}{% endif %}{{ y is defined }},{% endfor %}', '{% set ns = namespace(t=0) %}{% for x in nums %}{% set ns.t = ns.t + x %}{% endfor %}{{ ns.t }}', '{% set x, y = 1, 2 %}{{ x }}{{ y }}', '{% set a, b = [3, 4] %}{{ a + b }}', '{% set x = 1, 2 %}{{ x }}', '{% set a, b = [1] %}', '{% with a = 1 %}{{ a }}{% endwith %}', "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a | default('gone') }}"];
  assert.deepEqual(divergencesFrom(templates, ['text']), []);
});

test("nested inline ifs (a if x else b if y else c); an undefined item in a list fails; select/map over a string; split of a list fails; str % list; literal_eval of '[],42'; dict(), undef(), the path, nan, callable, filter and test tests; truthy/falsy with convert_bool; search(multiline=)", () => {
  const exprs = ['{{ 1 if 0 else 2 if 0 else 3 }}', "{{ None if 'a' else '1' if 'a,b' else not 7 }}", '{{ [missing, 2.0] }}', "{{ {'a': missing} }}", "{{ 'x y' | select | list }}", "{{ zero or numstr | map('string') | list }}", "{{ ['a'] | split(',') }}", "{{ s % [0] }}", "{{ [el, numstr] | join(',') }}", '{{ dict(a=1, b=2) }}', "{{ dict(['a', 'b'] | zip(nums)) }}", "{{ undef(hint='why') | default('x') }}", "{{ '/tmp' is directory }}", "{{ '/nonexistent' is exists }}", '{{ 1 is nan }}', '{{ dict is callable }}', "{{ 'upper' is filter }}", "{{ 'odd' is test }}", "{{ 'nosuch' is filter }}", '{{ ed is falsy }}', "{{ 'no' is truthy(convert_bool=true) }}", "{{ 'a\\nb' is search('^b', multiline=true) }}"];
  assert.deepEqual(divergencesFrom(exprs, ['text'], { ...SHARED_VARS, zero: 0, numstr: '42' }), []);
});

test("comment in every style, str.partition/rpartition/encode, and the template module's text as Jinja reads it: trailing newlines kept, trim_blocks after a comment, CRLF as LF, {%+ and raw with -", () => {
  const exprs = ["{{ s | comment('c') }}", "{{ s | comment('cblock') }}", "{{ 'a\\nb' | comment('xml') }}", "{{ 'x' | comment(decoration='; ', prefix_count=2) }}", "{{ 'k=v'.partition('=') }}", "{{ 'a.b.c'.rpartition('.') }}", "{{ 'abc'.encode('utf-8') }}"];
  const templates = ['{% for x in nums -%}\n{{ x }}\n{%- endfor %}\n', '  {% for x in nums %}\n  {{ x }}\n  {% endfor %}\n', 'line1\n{# comment #}\nline2\n', 'a\r\nb\r\n', 'x={{ n }}\r\n', '{%+ if true %}x{% endif %}', '{% raw -%}  {{ x }}  {%- endraw %}'];
  assert.deepEqual([...divergencesFrom(exprs, ['value', 'text']), ...divergencesFrom(templates, ['text'])], []);
});

test("in and not in chain with the other comparisons (not 'x' in l < 'y'); a macro parameter not passed is undefined (an error when printed, default() works)", () => {
  const exprs = ["{{ not 'x y' in [''] < 'x y' != None }}", "{{ empty not in s <= '1' ** 1 }}", "{{ 'a' not in l }}", "{{ 1 in [1] and 2 not in [1] }}"];
  const templates = ['{% macro m(a) %}{{ a }}{% endmacro %}{{ m() }}', "{% macro m(a) %}{{ a | default('d') }}{% endmacro %}{{ m() }}", '{% macro m(a, b=2) %}{{ a }}{{ b }}{% endmacro %}{{ m(1) }}', '{% for x in nums if x not in [2] %}{{ x }}{% endfor %}'];
  assert.deepEqual([...divergencesFrom(exprs, ['value', 'text']), ...divergencesFrom(templates, ['text'])], []);
});

test('recursive loops: loop(children) renders the body one level deeper (loop.depth, loop.index per level), with a loop filter on every level', () => {
  const templates = [
    '{% for x in [[1, 2], [3]] recursive %}{{ loop.depth }}{% endfor %}',
    '{% for x in [1, [2, [3, 4]], 5] recursive %}{% if x is sequence and x is not string %}<{{ loop(x) }}>{% else %}{{ x }}@{{ loop.depth }}/{{ loop.index }}{% endif %}{% endfor %}',
    "{% for k in [{'n': 'a', 'c': [{'n': 'b', 'c': []}]}] recursive %}{{ k.n }}{{ loop.depth0 }}[{{ loop(k.c) }}]{% endfor %}",
    '{% for x in [[1, -2], [3]] if x is not number or x > 0 recursive %}{% if x is number %}{{ x }}{% else %}{{ loop(x) }}{% endif %}{% endfor %}',
    '{% for x in [] recursive %}a{% else %}empty{% endfor %}',
    '{% for x in [[1]] recursive %}{% for y in [7, 8] %}{{ loop.index }}{% endfor %}{% endfor %}',
    '{% for a, b in [[1, [[2, []]]]] recursive %}{{ a }}{{ loop(b) }}{% endfor %}',
  ];
  assert.deepEqual(divergencesFrom(templates, ['text']), []);
});

test('macros: varargs and kwargs hold the arguments the signature does not name; a macro that reads neither refuses them', () => {
  const templates = [
    '{% macro m() %}{{ varargs }}{% endmacro %}{{ m(1, 2) }}',
    '{% macro m() %}{{ kwargs }}{% endmacro %}{{ m(a=1) }}',
    '{% macro m(a, b=2) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 3, 4, c=5) }}',
    '{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}',
    '{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, z=2) }}',
    '{% macro m() %}{{ varargs | length }}{% endmacro %}{{ m() }}',
    '{% macro m() %}{% for x in varargs %}{{ x }}{% endfor %}{% endmacro %}{{ m(1, 2) }}',
    '{{ varargs }}',
    '{% macro w(x) %}{{ caller(x * 2) }}{% endmacro %}{% call(v) w(3) %}got {{ v }}{% endcall %}',
  ];
  assert.deepEqual(divergencesFrom(templates, ['text']), []);
});

test('block set with filters ({% set x | upper %}...{% endset %}), () and {{ a, b }} as tuples', () => {
  const templates = ['{% set x | upper %}captured{% endset %}{{ x }}', "{% set x | replace('a', 'b') | upper %}a{{ 'c' | upper }}{% endset %}{{ x }}", '{% set x %}plain{% endset %}{{ x }}'];
  const exprs = ['{{ () }}', '{{ () | length }}', '{{ ((), ()) }}', '{{ () == () }}', "{{ ver is version '1.5', '>=' }}", '{{ 1, 2 }}', '{{ 1, }}'];
  assert.deepEqual([...divergencesFrom(templates, ['text']), ...divergencesFrom(exprs, ['value', 'text'])], []);
});

test("the version test's types: semver prereleases, strict (StrictVersion), loose (LooseVersion, int against str is an error), pep440 (packaging's ordering), bad operators and types", () => {
  const exprs = [
    "{{ '1.0.0-rc1' is version('1.0.0', '<', version_type='semver') }}",
    "{{ '1.0.0-rc.2' is version('1.0.0-rc.10', '<', version_type='semver') }}",
    "{{ '1.0.0-alpha' is version('1.0.0-1', '>', version_type='semantic') }}",
    "{{ '1.0.0+b1' is version('1.0.0', '==', version_type='semver') }}",
    "{{ '1.0' is version('1.0.0', '==', version_type='semver') }}",
    "{{ '1.0' is version('1.0.0', '==', strict=true) }}",
    "{{ '1.0a1' is version('1.0b1', '<', version_type='strict') }}",
    "{{ '1.0.x' is version('1.0', '<', strict=true) }}",
    "{{ '1.0-rc1' is version('1.0.0', '<') }}",
    "{{ '1.0rc1' is version('1.0', '>') }}",
    "{{ '2.0' is version('10.0', '<') }}",
    "{{ '1.0' is version('1.0', 'bad') }}",
    "{{ '1.0' is version('1.0', '==', version_type='weird') }}",
    "{{ '1.0' is version('1.0', '==', version_type='loose', strict=true) }}",
    "{{ '' is version('1.0') }}",
    "{{ ver is version(operator='lt', version='2') }}",
    ...["'1.0.0' is version('1.0', 'eq'", "'1.0.dev1' is version('1.0a1', '<'", "'1.0rc1' is version('1.0', '<'", "'1.0' is version('1.0.post1', '<'", "'1.0.post1.dev1' is version('1.0.post1', '<'", "'1.0+abc' is version('1.0+1', '<'", "'1!0.1' is version('2.0', '>'", "'1.0-1' is version('1.0.post1', '=='", "'bad version' is version('1.0', '<'", "'1.0c1' is version('1.0rc1', '=='", "'1.0.dev1' is version('1.0.post1.dev1', '<'"].map((t) => `{{ ${t}, version_type='pep440') }}`),
  ];
  assert.deepEqual(divergencesFrom(exprs, ['value']), []);
});

test("a list or str is indexed by int or bool only (l['0'], l[1.0], l.length are undefined; l.0 is an index); x.__class__.__name__; list.index/count/pop", () => {
  const exprs = ["{{ l['0'] }}", '{{ l[1.0] }}', '{{ l.length }}', '{{ s.length }}', '{{ l[true] }}', "{{ l['x'] is defined }}", '{{ l.0 }}', '{{ nested.list.1.x }}', '{{ d.0 is defined }}', '{{ l.__class__.__name__ }}', '{{ 1 .__class__.__name__ }}', '{{ none.__class__.__name__ }}', '{{ (1.5).__class__.__name__ }}', '{{ s.__class__ }}', "{{ l.index('a') }}", "{{ l.count('b') }}", "{{ l.index('z') }}", '{{ [1, 2, 3].pop() }}', '{{ [1, 2, 3].pop(0) }}', '{{ [].pop() }}', "{{ l.find('a') }}"];
  assert.deepEqual(divergencesFrom(exprs, ['value', 'text']), []);
});

test("%-formatting: negative numbers keep their sign, exact ties round half to even ('%.1f' % 2.25 is 2.2), huge floats print all digits; regex_replace and regex_search read backslashes as re does; to_json(ensure_ascii=false); urlize as Jinja 3.1's; '' % undefined", () => {
  const exprs = [
    "{{ '%05.1f' % 2.25 }}", "{{ '%.0f' % 2.5 }}", "{{ '%.2f' % -1.125 }}", "{{ '%d' % -3 }}", "{{ '%d' % -0.5 }}", "{{ '%x' % -255 }}", "{{ '%05d' % -42 }}", "{{ '%e' % -1.5 }}", "{{ '%.3f' % 1e22 }}", "{{ '%.0f' % -0.5 }}", "{{ '{:.1f}'.format(2.25) }}",
    "{{ 'hello' | regex_replace('(l+)', '[\\\\\\\\1]') }}", "{{ 'hello' | regex_replace('(l+)', '\\\\g<1>0\\\\g<0>') }}", "{{ 'a-b' | regex_replace('(-)', '$1') }}",
    "{{ 'k=v' | regex_search('(\\\\\\\\w)=(\\\\\\\\w)', '\\\\\\\\1', '\\\\\\\\2') }}", "{{ 'k=v' | regex_search('(\\\\w)=(\\\\w)', '\\\\2', '\\\\1') }}", "{{ 'k=v' | regex_search('(?P<a>\\\\w)=(\\\\w)', '\\\\g<a>') }}",
    "{{ 'é' | to_json(ensure_ascii=false) }}", "{{ {'é': 'ü'} | to_json }}", "{{ {'é': 'ü'} | to_nice_json(ensure_ascii=False) }}",
    "{{ 'see http://x.org and www.a.com' | urlize }}", "{{ 'see http://x.org/abcdef' | urlize(10, true) }}", "{{ 'mail me@x.org, or mailto:a@b.co.' | urlize }}", "{{ '(http://x.org/a_(b)) <b>' | urlize(target='_blank', rel='me') }}", "{{ 'ftp://x tel:123' | urlize(extra_schemes=['ftp://', 'tel:']) }}",
    "{{ '' % missing }}", "{{ {} == empty % ('x y')['a'] not in (zero % nums)[1] }}", "{{ missing | default(omit) == omit }}",
  ];
  const templates = ["{{ 'v1.2.3' | regex_search('(\\d+)\\.(\\d+)', '\\1') }}"];
  assert.deepEqual([...divergencesFrom(exprs, ['value', 'text'], { ...SHARED_VARS, zero: 0 }), ...divergencesFrom(templates, ['text'])], []);
});
