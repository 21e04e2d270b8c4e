// A deploy rerun must not quietly undo the one-way protobuf storage step: the probe reads the
// media type the installed apiserver unit stores with, and the check refuses a render that differs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STORAGE_PROBE, checkStorageKept, renderedStorageMedia } from '../../../src/cluster/preflight.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

test('the probe prints the media type of a unit like the deploy renders, and nothing without a unit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storage-probe-'));
  try {
    const unit = join(dir, 'kube-apiserver.service');
    writeFileSync(unit, `[Service]\nExecStart=/usr/local/bin/kube-apiserver --etcd-servers=https://10.0.0.1:2379 --storage-media-type=${PROTOBUF} --v=2\n`);
    const run = (path: string): string => execFileSync('sh', ['-c', STORAGE_PROBE.replace('/etc/systemd/system/kube-apiserver.service', path)], { encoding: 'utf8' });
    assert.equal(run(unit), `storage ${PROTOBUF}\n`);
    assert.equal(run(join(dir, 'missing.service')), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what the deploy would render: -e over the inventory, JSON by default, 1.5 always JSON, a template unknown', () => {
  assert.equal(renderedStorageMedia('1.6', undefined, undefined), 'application/json');
  assert.equal(renderedStorageMedia('1.6', PROTOBUF, undefined), PROTOBUF);
  assert.equal(renderedStorageMedia('1.6', PROTOBUF, 'application/json'), 'application/json');
  assert.equal(renderedStorageMedia('1.5', PROTOBUF, undefined), 'application/json');
  assert.equal(renderedStorageMedia('1.6', '{{ media }}', undefined), undefined);
});

test('an apiserver storing protobuf is refused a JSON or 1.5 render, naming the var; every other case passes', () => {
  const [json] = checkStorageKept('cp1', `storage ${PROTOBUF}\naddr 10.1.0.1/24\n`, 'application/json', '1.6');
  assert.equal(json?.check, 'storage');
  assert.equal(json?.subject, 'cp1');
  assert.match(json!.message, /stores application\/vnd\.kubernetes\.protobuf .*render --storage-media-type=application\/json: set kube_storage_media_type: application\/vnd\.kubernetes\.protobuf/);
  assert.match(checkStorageKept('cp1', `storage ${PROTOBUF}\n`, 'application/json', '1.5')[0]!.message, /a 1\.5 apiserver cannot decode/);
  assert.deepEqual(checkStorageKept('cp1', `storage ${PROTOBUF}\n`, PROTOBUF, '1.6'), []);
  assert.deepEqual(checkStorageKept('cp1', 'storage application/json\n', 'application/json', '1.6'), []);
  assert.deepEqual(checkStorageKept('cp1', 'addr 10.1.0.1/24\n', 'application/json', '1.6'), [], 'a fresh host has no unit');
  assert.deepEqual(checkStorageKept('cp1', `storage ${PROTOBUF}\n`, undefined, '1.6'), [], 'a templated var cannot be judged here');
});
