import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKeyValues } from '../../../src/playbook/kv-args.js';
import { RAW_PARAM_KEYS } from '../../../src/playbook/keywords.js';

test('k=v text with quotes', () => {
  assert.deepEqual(parseKeyValues('path=/tmp/x state=directory mode=0755').args, { path: '/tmp/x', state: 'directory', mode: '0755' });
  assert.deepEqual(parseKeyValues(`msg="hello world" other='a b'`).args, { msg: 'hello world', other: 'a b' });
});

test('a word that is not k=v is reported for non-free-form modules', () => {
  assert.equal(parseKeyValues('oops path=/x').bad, 'oops');
});

test('free form keeps the command as written and lifts only known words', () => {
  const { args } = parseKeyValues('echo "a  b" {{ x | default("y z") }} chdir=/tmp foo=bar', RAW_PARAM_KEYS);
  assert.equal(args.chdir, '/tmp');
  assert.equal(args._raw_params, 'echo "a  b" {{ x | default("y z") }} foo=bar');
});
