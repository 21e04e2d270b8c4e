// The filters Ansible has and Drover lacked (issue 9's "no filter named X" group): each group
// runs its cases through real Ansible (ansible-core's Templar, with the ansible.utils and
// community.general collections Debian ships) and Drover and demands identical results; what
// Drover refuses on purpose is refused by name, with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createTemplar } from '../../src/templating/templar.js';
import { runAnsible } from './ansible-side.js';
import type { Mode } from './case-types.js';
import { showOutcome } from './compare-outcomes.js';
import { loadCorpus } from './load-corpus.js';
import { divergencesFrom } from './same-as-ansible.js';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const VARS = parse(readFileSync(join(CORPUS, '_vars.yml'), 'utf8')) as Record<string, unknown>;
const same = (exprs: string[], modes: Mode[] = ['value', 'text']): string[] => divergencesFrom(exprs.map((e) => `{{ ${e} }}`), modes, VARS);

/** What Ansible itself makes of one expression (value mode). */
function ansibleSays(expr: string): string {
  return showOutcome(runAnsible([{ id: 'a', area: 'test', mode: 'value', input: `{{ ${expr} }}`, vars: VARS, builtin: false }]).results[0]!);
}

test('password_hash: md5/sha256/sha512 crypt as ansible-core computes it, with its salt and rounds rules and errors', () => {
  const exprs = [
    "'abc' | password_hash('sha512', 'salt')",
    "'abc' | password_hash('sha256', 'salt')",
    "'abc' | password_hash('md5', 'salt')",
    "'abc' | password_hash('sha512', 'salt', rounds=5000)",
    "'abc' | password_hash('sha512', 'salt', rounds=656000)",
    "'abc' | password_hash('md5', 'abc', rounds=10)",
    "'a' * 64 | password_hash('sha512', 'salt')",
    "'a' * 64 | password_hash('sha256', 'salt')",
    "'pw' * 70 | password_hash('sha512', 'abcdefghijklmnop', rounds=1000)",
    "'é' | password_hash('sha512', 'salt')",
    "'abc' | password_hash('sha512') | length",
    "'abc' | password_hash('sha512', salt_size=4) | length",
    "'abc' | password_hash('sha512', 'sa$lt')",
    "'abc' | password_hash('md5', 'abcdefghi')",
    "'abc' | password_hash('des')",
    '42 | password_hash(\'sha512\', \'salt\')',
  ];
  assert.deepEqual(same(exprs), []);
});

test("random and shuffle with a seed are Python's random.Random(seed): int, str (sha512), float and bool seeds", () => {
  const exprs = [
    "59 | random(seed='web01')",
    "59 | random(seed='')",
    '100 | random(seed=42)',
    '100 | random(seed=-42)',
    '100 | random(seed=2**40)',
    '100 | random(seed=1.5)',
    '100 | random(seed=true)',
    '100 | random(10, 7, seed=5)',
    "100 | random(start=10, step=3, seed='x')",
    '2**40 | random(seed=3)',
    "'hello' | random(seed='abc')",
    "nums | random(seed='é😀')",
    '0 | random(seed=3)',
    "nums | random(1, seed='abc')",
    "range(50) | list | shuffle(seed='abc')",
    'range(50) | list | shuffle(seed=7)',
    "'abcdef' | shuffle(seed=7)",
    'd | shuffle(seed=7)',
    '5 | shuffle(seed=7)',
    'nums | shuffle(seed=[1])',
    'nums | shuffle(seed=2**80)',
    'nums | shuffle | sort',
    '100 | random < 100',
  ];
  assert.deepEqual(same(exprs), []);
});

test('strftime (C strftime of the local or UTC time, glibc flags) and to_datetime (a datetime: str, repr, attributes, a - b, ordering)', () => {
  const exprs = [
    "'%Y-%m-%d %H:%M:%S' | strftime(0)",
    "'%a %A %b %B %c %e %j %p %I %U %W %w %y %x %X %G %V %u %C %D %F %T %R %% %s' | strftime(1700000000)",
    "'%-d/%-m %_H %^a %k %l %P %Q %E' | strftime(1700000000)",
    "'%Y %H %Z' | strftime(1700000000, utc=true)",
    "'%Y' | strftime('1700000000')",
    "'%Y' | strftime('x')",
    "'%Y' | strftime | length",
    "'2024-01-02 03:04:05' | to_datetime",
    "('2024-03-02' | to_datetime('%Y-%m-%d') - '2024-01-01' | to_datetime('%Y-%m-%d')).days",
    "(('2024-03-02' | to_datetime('%Y-%m-%d')) - ('2024-01-01 10:00:00' | to_datetime)).total_seconds()",
    "('2024-03-02' | to_datetime('%Y-%m-%d')) - ('2024-01-01 10:00:00' | to_datetime)",
    "('2024-01-02' | to_datetime('%Y-%m-%d')) > ('2023-01-02' | to_datetime('%Y-%m-%d'))",
    "('2024-01-02' | to_datetime('%Y-%m-%d')).strftime('%d/%m')",
    "'2024-01-02' | to_datetime('%Y-%m-%d') | to_json",
    "'24/1/2 3PM' | to_datetime('%y/%m/%d %I%p')",
    "'2024-01-02T03:04:05.123Z' | to_datetime('%Y-%m-%dT%H:%M:%S.%fZ')",
    "'2024-01-02 +0100' | to_datetime('%Y-%m-%d %z')",
    "'2024-02-30' | to_datetime('%Y-%m-%d')",
    "'2024-01-02' | to_datetime",
  ];
  assert.deepEqual(same(exprs), []);
});

test('attr is getattr (a dict key is not an attribute), community.general.dict builds a dict from pairs', () => {
  const exprs = ["d | attr('k')", "users[0] | attr('name')", "(s | attr('upper'))()", "(d | attr('keys'))() | list", "['a', 'b'] | zip(nums) | community.general.dict", "['ab', 'cd'] | community.general.dict", '[[1, 2, 3]] | community.general.dict'];
  assert.deepEqual(same(exprs), []);
});

test("ipaddr, ipv4, ipv6, ipwrap (ansible.utils on netaddr): parsing, queries, lists, IPv6 printing", () => {
  const exprs = [
    "'192.168.1.10' | ipaddr",
    "'192.168.1.10/24' | ansible.utils.ipaddr('network/prefix')",
    "'192.168.1.10/24' | ipaddr('broadcast')",
    "'192.168.1.10/24' | ipaddr('net')",
    "'192.168.1.10/24' | ipaddr(-1)",
    "'192.168.1.10/24' | ipaddr('6to4')",
    "'192.168.1' | ipaddr",
    "'192.168.1.1/0.0.0.255' | ipaddr",
    "'x' | ipaddr",
    "'1:0:0:2:0:0:0:3' | ipaddr",
    "'::ffff:10.0.0.1' | ipaddr('ipv4')",
    "'2001:db8::1/64' | ipaddr('revdns')",
    "['192.168.1.1', 'x', '10.0.0.0/8', 'fe80::1'] | ipv4",
    "['192.168.1.10', '10.1.1.1', '192.168.2.1/24'] | ipaddr('192.168.0.0/16')",
    "['fe80::1', '10.0.0.1', 'x'] | ipwrap",
    "['10.0.0.1', '8.8.8.8', '169.254.3.4', 'fd00::1', '224.0.0.1'] | map('ipaddr', 'private') | list",
  ];
  assert.deepEqual(same(exprs), []);
});

test("the rest of ansible.builtin's filters and tests, the now() global, and ansible.builtin.* names (only Ansible's own plugins have one)", () => {
  const exprs = [
    "['a', 'b/', '/c', 'd'] | path_join",
    "'/etc/app/conf.d' | relpath('/etc')",
    "'$NO_SUCH_VAR_X/x' | expandvars",
    "'C:/x/y' | win_splitdrive",
    "'a%20b+c%C3%A9%zz%' | urldecode",
    "'https://User:Pw@Example.COM:8443/p/a?x=1&y=2#frag' | urlsplit",
    "'http://[::1]:8080/p' | urlsplit('hostname')",
    "[{'k': 'a'}, {'k': 'a', 'v': 2}] | rekey_on_member('k')",
    "users | rekey_on_member('name')",
    "[1, 0] is all",
    "'/etc' is is_dir",
    "'/etc/passwd' is same_file('/etc/../etc/passwd')",
    "'x' is isnan",
    "{'unreachable': true} is reachable",
    "{} is finished",
    "'x.org/a' is url",
    "'urn:isbn:123' is urn",
    "(now() - ('2024-01-01' | to_datetime('%Y-%m-%d'))).days > 300",
    "'abc' | ansible.builtin.password_hash('sha512', 'salt')",
    "'a' is ansible.builtin.match('a')",
    "'a' | ansible.builtin.upper",
  ];
  assert.deepEqual(same(exprs), []);
});

test('the filters-added corpus area (every case of corpus/filters-added.yml) equals Ansible', () => {
  const cases = loadCorpus(CORPUS).filter((c) => c.area === 'filters-added');
  assert.ok(cases.length > 250, `filters-added has ${cases.length} cases`);
  const byMode = (mode: Mode): string[] => cases.filter((c) => c.mode === mode).map((c) => c.input);
  assert.deepEqual([...divergencesFrom(byMode('value'), ['value'], VARS), ...divergencesFrom(byMode('text'), ['text'], VARS), ...divergencesFrom(byMode('cond'), ['cond'], VARS)], []);
});

test("refused by name, where Ansible's answer is a placeholder or random, or needs Vault: bcrypt, crypt's '*0', lipsum(), vault", () => {
  const templar = createTemplar();
  const refused = (expr: string, why: RegExp): void => assert.throws(() => templar.render(`{{ ${expr} }}`, VARS), (e: Error) => why.test(e.message), expr);
  // ansible-core without passlib hands crypt a bcrypt setting it cannot parse: '*0'
  assert.equal(ansibleSays("'abc' | password_hash('bcrypt')"), "'*0' (str)");
  refused("'abc' | password_hash('bcrypt')", /password_hash\('bcrypt'\) is not supported by Drover.*'\*0'/);
  refused("'abc' | password_hash('blowfish', 'abcdefghijklmnopqrstuu', rounds=10)", /not supported by Drover/);
  assert.equal(ansibleSays("'abc' | password_hash('sha512', 'salt', rounds=10)"), "'*0' (str)");
  refused("'abc' | password_hash('sha512', 'salt', rounds=10)", /crypt\.crypt failed.*'\*0'.*Drover refuses/);
  refused("'abc' | password_hash('sha512', 'salt', ident='2a')", /Drover refuses/);
  // lipsum exists (as in Ansible) but its text is random on every call
  assert.deepEqual(same(['lipsum is defined']), []);
  refused('lipsum()', /lipsum\(\) is not supported by Drover/);
  // Drover has no Ansible Vault: vault/unvault are refused, not faked
  refused("'x' | vault('pw')", /vault\/unvault are not supported by Drover/);
});
