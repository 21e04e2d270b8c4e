// Where fetch puts a file on the controller: under dest/HOST/SRC (or dest itself with flat),
// never outside it, whatever `..` the remote path or the host name holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localDest } from '../../../src/modules/files/fetch.js';

test('dest/HOST/SRC, namespace/pod names nested, `..` that stays inside allowed', () => {
  assert.equal(localDest('/b', 'web1', '/etc/hosts', false), '/b/web1/etc/hosts');
  assert.equal(localDest('/b', 'shop/web-1', '/etc/hosts', false), '/b/shop/web-1/etc/hosts');
  assert.equal(localDest('/b', 'web1', '/etc/../srv/x', false), '/b/web1/srv/x');
  assert.equal(localDest('/b/', 'web1', '/etc/hosts', true), '/b/hosts');
  assert.equal(localDest('/b/f.txt', 'web1', '/etc/hosts', true), '/b/f.txt');
});

test('a `..` that leaves dest/HOST, or a host name that climbs, is refused', () => {
  assert.match(String((localDest('/b', 'web1', '/../../etc/passwd', false) as { error: string }).error), /Detected directory traversal/);
  assert.match(String((localDest('/b', 'web1', '../x', false) as { error: string }).error), /Detected directory traversal/);
  // one pod's files must not land in another's directory either
  assert.match(String((localDest('/b', 'ns/a', '/../b/x', false) as { error: string }).error), /Detected directory traversal/);
  for (const host of ['..', '../x', 'a/../../x', '.', 'a//b']) assert.match(String((localDest('/b', host, '/x', false) as { error: string }).error), /cannot be a directory/, host);
  assert.match(String((localDest('/b/', 'web1', '/etc/..', true) as { error: string }).error), /does not name a file/);
});
