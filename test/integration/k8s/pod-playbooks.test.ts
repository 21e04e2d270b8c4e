// The shipped pod playbooks (playbooks/pods/) against the simulator through a pod inventory
// selected by label: run a command, distribute a config (changed=0 the second time), rotate a
// password (the hash really changes in every pod, the password is never printed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { seedPods } from '../../k8s-sim/seed.js';
import { drover, jsonSummary, ROOT } from '../../helpers/cli.js';

let sim: K8sSim;
let inv: string;
let pods: string[];
const book = (name: string): string => join(ROOT, 'playbooks', 'pods', name);

before(async () => {
  sim = await startK8sSim({ name: 'podbooks' });
  pods = await seedPods(sim, 6, { namespace: 'shop', nodes: 2 });
  // a pod outside the selection must stay untouched
  await sim.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-1', namespace: 'shop', labels: { app: 'db' } }, spec: { nodeName: 'node1', containers: [{ name: 'db' }] } });
  const dir = mkdtempSync(join(tmpdir(), 'drover-podbooks-'));
  inv = join(dir, 'pods.k8s.yml');
  writeFileSync(inv, `plugin: kubernetes\nconnections:\n  - kubeconfig: ${sim.kubeconfig}\n    namespaces: [shop]\n    label_selectors: app=web\n`);
});

after(async () => {
  await sim?.stop();
});

test('run-command: every selected pod answers with its own name, nothing changes', async () => {
  const r = await drover(['play', book('run-command.yml'), '-i', inv]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const p of pods) assert.match(r.stdout, new RegExp(`shop/${p}: ${p}\\b`));
  assert.doesNotMatch(r.stdout, /db-1/);
  assert.match(r.stdout, /PLAY RECAP/);
  assert.match(r.stdout, /shop\/web-1\s+: ok=2\s+changed=0/);
});

test('distribute-config: rendered per pod, reload requested, changed=0 on the second run', async () => {
  const first = await drover(['play', book('distribute-config.yml'), '-i', inv, '--json']);
  assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);
  for (const [h, st] of Object.entries(jsonSummary(first.stdout).stats)) assert.equal(st.changed, 3, `${h}: directory, file, handler`);
  const conf = sim.podShell('shop', 'web-4', 'cat /etc/app/app.conf').stdout;
  assert.match(conf, /^pod = web-4$/m);
  assert.match(conf, /^namespace = shop$/m);
  assert.match(conf, /^upstream = search:9200$/m);
  assert.match(sim.podShell('shop', 'web-4', 'cat /run/app.reload').stdout, /^config changed /);
  assert.notEqual(sim.podShell('shop', 'db-1', 'test -e /etc/app/app.conf').rc, 0, 'unselected pod untouched');
  const second = await drover(['play', book('distribute-config.yml'), '-i', inv, '--json']);
  for (const [h, st] of Object.entries(jsonSummary(second.stdout).stats)) assert.equal(st.changed, 0, `${h} second run`);
  // a change of one variable changes every file, and only that
  const third = await drover(['play', book('distribute-config.yml'), '-i', inv, '-e', 'log_level=debug', '--json']);
  for (const st of Object.values(jsonSummary(third.stdout).stats)) assert.equal(st.changed, 2, 'file and handler');
  assert.match(sim.podShell('shop', 'web-1', 'cat /etc/app/app.conf').stdout, /^log_level = debug$/m);
});

test('rotate-password: the hash changes in every pod, the password never reaches the output', async () => {
  const before = Object.fromEntries(pods.map((p) => [p, sim.podShell('shop', p, "awk -F: '$1==\"root\"{print $2}' /etc/shadow").stdout]));
  const secret = 'Rotated-Secret-4711-xyz';
  const r = await drover(['play', book('rotate-password.yml'), '-i', inv, '-v'], { env: { DROVER_NEW_PASSWORD: secret } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'password absent from output, even with -v');
  assert.match(r.stdout, /shop\/web-1\s+: ok=4\s+changed=1/);
  for (const p of pods) {
    const after = sim.podShell('shop', p, "awk -F: '$1==\"root\"{print $2}' /etc/shadow").stdout;
    assert.notEqual(after, before[p], `${p}: hash changed`);
    // the stored hash is the hash of exactly this password (libcrypt through Debian's python3, test side only)
    const check = sim.podShell('shop', p, `/usr/bin/python3 -W ignore -c 'import crypt,sys; print(crypt.crypt(sys.argv[1], sys.argv[2]))' '${secret}' '${after.trim()}'`);
    assert.equal(check.stdout, after, check.stderr);
  }
  const weak = await drover(['play', book('rotate-password.yml'), '-i', inv], { env: { DROVER_NEW_PASSWORD: 'short' } });
  assert.equal(weak.code, 2);
  assert.match(weak.stdout, /set DROVER_NEW_PASSWORD/);
});
