// Ctrl-C and the task `timeout` over the kubernetes connection, against the API simulator's
// real pod sandboxes: closing an exec stream only closes the command's stdin (as the kubelet
// does), so Drover must kill the command's process group through a second exec. What is left
// in each pod is read through the sandbox (podShell), not through the connection under test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { KubernetesConnection } from '../../../src/connections/kubernetes.js';
import { drover, jsonEvents, jsonSummary } from '../../helpers/cli.js';
import { markedPidsScript, pidLines, startDrover, waitForPids, waitGone } from './cli-process.js';

let sim: K8sSim;
const PODS = ['intr-1', 'intr-2'];
const dir = mkdtempSync(join(tmpdir(), 'intr-pods-'));

before(async () => {
  sim = await startK8sSim({ name: 'intr-pods' });
  await Promise.all(
    PODS.map((name) =>
      sim.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'intr' } }, spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'debian' }] } }),
    ),
  );
});

after(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Marked processes in every pod, as `pod:pid`. */
function marked(mark: string): string[] {
  return PODS.flatMap((p) => pidLines(sim.podShell('default', p, markedPidsScript(mark)).stdout).map((pid) => `${p}:${pid}`));
}

function cli(file: string, json = false): string[] {
  return ['play', ...(json ? ['--json'] : []), file, '-i', `${PODS.join(',')},`, '-c', 'kubernetes', '-e', `drover_k8s_kubeconfig=${sim.kubeconfig}`];
}

test('SIGINT kills the command groups in the pods through a second exec, exits 99 with the pods interrupted', async () => {
  const mark = `pod-int-${process.pid}`;
  const file = join(dir, 'sleep.yml');
  writeFileSync(
    file,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: long command
      shell: "export INTR_MARK=${mark}; sleep 300 & sleep 301"
    - name: never reached
      command: "true"
`,
  );
  const run = startDrover(cli(file, true), { env: { KUBECONFIG: '/nonexistent' } });
  await waitForPids(() => marked(mark), 4, 'two sleeps in each pod', () => run.stdout() + run.stderr());
  const signalled = Date.now();
  run.child.kill('SIGINT');
  const res = await run.done;
  assert.ok(Date.now() - signalled < 15_000, 'stopped within seconds');
  assert.deepEqual(await waitGone(() => marked(mark), 1000), [], 'no sleep is left in any pod');
  assert.equal(res.code, 99, res.stderr);
  assert.match(res.stderr, /SIGINT: waiting for 2 running commands on intr-1, intr-2 to stop/);
  const results = jsonEvents(res.stdout).filter((e) => e.type === 'host_result');
  assert.deepEqual(results.map((e) => e.status), ['interrupted', 'interrupted']);
  const end = jsonSummary(res.stdout) as ReturnType<typeof jsonSummary> & { interruptedHosts: string[] };
  assert.deepEqual(end.interruptedHosts, PODS);
  for (const p of PODS) assert.deepEqual([end.stats[p]!.failed, end.stats[p]!.interrupted], [0, 1]);
});

test('task timeout in a pod: the group is killed and the task fails with Ansible\'s message; templated timeout too; drover_k8s_exec_timeout kills too (rc 124)', async () => {
  const mark = `pod-timeout-${process.pid}`;
  const file = join(dir, 'timeout.yml');
  writeFileSync(
    file,
    `- hosts: intr-1
  gather_facts: false
  tasks:
    - name: literal
      shell: "export INTR_MARK=${mark}; sleep 300 & sleep 301"
      timeout: 1
      ignore_errors: true
    - name: templated
      command: sleep 302
      environment: {INTR_MARK: "${mark}"}
      timeout: "{{ 1 + 1 }}"
      ignore_errors: true
- hosts: intr-2
  gather_facts: false
  vars: {drover_k8s_exec_timeout: 1}
  tasks:
    - name: the connection's own exec timeout
      shell: "export INTR_MARK=${mark}; sleep 300 & sleep 301"
      ignore_errors: true
`,
  );
  const res = await drover(cli(file, true), { env: { KUBECONFIG: '/nonexistent' } });
  assert.deepEqual(marked(mark), [], 'no command is left in the pod');
  const results = jsonEvents(res.stdout).filter((e) => e.type === 'host_result');
  assert.deepEqual(results.map((e) => [e.status, e.result.msg]), [
    ['failed', 'The shell action failed to execute in the expected time frame (1) and was terminated'],
    ['failed', 'The command action failed to execute in the expected time frame (2) and was terminated'],
    ['failed', 'command timed out'],
  ]);
  assert.equal(results[2]!.result.rc, 124);
  assert.equal(res.code, 0, res.stderr);
});

test('after Ctrl-C no new command starts: an exec with an aborted signal returns rc 130 and runs nothing', async () => {
  const c = new KubernetesConnection('intr-2', { drover_k8s_kubeconfig: sim.kubeconfig });
  try {
    const ac = new AbortController();
    ac.abort();
    assert.equal((await c.exec('true')).rc, 0, 'the connection works');
    const r = await c.exec('touch /tmp/intr-started', { signal: ac.signal });
    assert.equal(r.rc, 130);
    assert.equal(sim.podShell('default', 'intr-2', 'test -e /tmp/intr-started').rc, 1, 'the command never ran');
  } finally {
    await c.close();
  }
});
