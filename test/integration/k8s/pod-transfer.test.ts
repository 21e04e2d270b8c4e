// Files into and out of pods on a server without exec v5 (v4 only, as on 1.5-1.29 clusters):
// a 20 MB copy into 12 pods at once arrives intact everywhere, with the controller's peak
// memory far below file size × forks (one shared copy of the file, tar parts that reference
// it, stdin paced by the socket), then changed=0; fetch skips an unchanged file by checksum
// without transferring it (the pod's tar is wrapped to count its runs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { BIN, jsonSummary } from '../../helpers/cli.js';
import { timed } from '../../bench/timed.js';

let sim: K8sSim;
let dir: string;
const PODS = Array.from({ length: 12 }, (_, i) => `xfer-${i + 1}`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-xfer-'));
  sim = await startK8sSim({ name: 'xfer-L', host: '127.60.0.8', execProtocols: ['v4.channel.k8s.io'] });
  await Promise.all(PODS.map((name) => sim.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'xfer' } }, spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'debian' }] } })));
  writeFileSync(join(dir, 'pods.k8s.yml'), `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    namespaces: [default]\n    label_selectors: app=xfer\n`);
});

after(async () => {
  await sim?.stop();
});

test('a 20 MB copy into 12 pods over v4: intact everywhere, peak RSS not file size × forks, then changed=0', async () => {
  const blob = randomBytes(20 * 1024 * 1024);
  writeFileSync(join(dir, 'blob.bin'), blob);
  const want = createHash('sha256').update(blob).digest('hex');
  const pb = join(dir, 'copy.yml');
  writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { src: ${join(dir, 'blob.bin')}, dest: /tmp/blob.bin, mode: "0600" }\n`);
  const first = await timed([process.execPath, BIN, 'play', pb, '-i', join(dir, 'pods.k8s.yml'), '-f', String(PODS.length), '--json'], { NO_COLOR: '1' });
  assert.equal(first.code, 0, first.tail);
  assert.equal(jsonSummary(first.out.slice(0, first.out.lastIndexOf('MAXRSS='))).stats['default/xfer-1']?.changed, 1);
  for (const p of PODS) assert.equal(sim.podShell('default', p, 'sha256sum < /tmp/blob.bin').stdout.split(' ')[0], want, p);
  console.error(`# copy 20 MB into ${PODS.length} pods (v4): peak RSS ${Math.round(first.maxRssKb / 1024)} MB, ${first.seconds.toFixed(1)} s`);
  // the old path held ~4 copies per pod (≈1 GB here); one shared copy plus paced sockets stays far below
  assert.ok(first.maxRssKb < 400 * 1024, `peak RSS ${Math.round(first.maxRssKb / 1024)} MB`);
  const again = await timed([process.execPath, BIN, 'play', pb, '-i', join(dir, 'pods.k8s.yml'), '-f', String(PODS.length), '--json'], { NO_COLOR: '1' });
  assert.equal(again.code, 0, again.tail);
  const stats = jsonSummary(again.out.slice(0, again.out.lastIndexOf('MAXRSS='))).stats;
  for (const p of PODS) assert.equal(stats[`default/${p}`]?.changed, 0, p);
});

test('fetch skips an unchanged file by checksum: the second run transfers nothing', async () => {
  const pod = 'xfer-1';
  sim.podShell('default', pod, 'printf "fetched\\n" > /etc/fetch-me; mv /usr/bin/tar /usr/bin/tar.real; printf "#!/bin/sh\\necho run >> /tmp/tar-runs\\nexec /usr/bin/tar.real \\"\\$@\\"\\n" > /usr/bin/tar; chmod 755 /usr/bin/tar');
  const pb = join(dir, 'fetch.yml');
  writeFileSync(pb, `- hosts: default/${pod}\n  gather_facts: false\n  tasks:\n    - fetch: { src: /etc/fetch-me, dest: ${join(dir, 'fetched')}/, flat: false }\n`);
  const run = async (): Promise<Record<string, number> | undefined> => {
    const r = await timed([process.execPath, BIN, 'play', pb, '-i', join(dir, 'pods.k8s.yml'), '--json'], { NO_COLOR: '1' });
    assert.equal(r.code, 0, r.tail);
    return jsonSummary(r.out.slice(0, r.out.lastIndexOf('MAXRSS='))).stats[`default/${pod}`];
  };
  assert.equal((await run())?.changed, 1);
  assert.equal(readFileSync(join(dir, 'fetched', `default/${pod}`, 'etc', 'fetch-me'), 'utf8'), 'fetched\n');
  const runsAfterFirst = sim.podShell('default', pod, 'wc -l < /tmp/tar-runs').stdout.trim();
  assert.equal(runsAfterFirst, '1', 'the first fetch read the file through tar');
  assert.equal((await run())?.changed, 0);
  assert.equal(sim.podShell('default', pod, 'wc -l < /tmp/tar-runs').stdout.trim(), '1', 'the second fetch did not transfer the file');
});
