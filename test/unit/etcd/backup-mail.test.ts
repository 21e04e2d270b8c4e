import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendMail } from '../../../src/etcd/backup-notify.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';

test('the backup e-mail says the outcome in the subject and the snapshot facts in the body', async () => {
  const sink = await startSmtpSink('127.0.0.1');
  try {
    const sent = await sendMail({ url: `smtp://127.0.0.1:${sink.port}`, from: 'drover@localhost', to: ['ops@example.test'] }, { status: 'ok', cluster: 'prod', file: '/b/prod-1.db', meta: { member: 'etcd1', revision: 42, keys: 7, totalKey: 9, sizeBytes: 1024, sha256: 'abc' }, deleted: ['old.db'], durationMs: 12 });
    assert.deepEqual(sent, { ok: true });
    assert.match(sink.mails[0]!.data, /^Subject: \[drover\] etcd backup ok: prod$/m);
    assert.match(sink.mails[0]!.data, /^revision: 42$/m);
    assert.match(sink.mails[0]!.data, /^deleted by retention: 1$/m);
    const failed = await sendMail({ url: `smtp://127.0.0.1:${sink.port}`, from: 'drover@localhost', to: ['ops@example.test'] }, { status: 'locked', cluster: 'prod', deleted: [], error: 'another backup is running', durationMs: 1 });
    assert.equal(failed.ok, true);
    assert.match(sink.mails[1]!.data, /^Subject: \[drover\] etcd backup LOCKED: prod$/m);
  } finally {
    await sink.close();
  }
});
