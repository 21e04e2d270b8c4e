// `validate` on copy, template, lineinfile, blockinfile and replace, against real targets:
// locally, over ssh as `deploy` (sudo) and as `ops` (sudo with a password), and in a simulator
// pod. A failing command must leave the destination exactly as it was, a passing one lets the
// write happen, the temp file it checked is private and gone afterwards, and a command without
// %s is refused, all as ansible-playbook does (the last test runs it on the same tasks locally).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { ansiblePlaybook, hasAnsible } from '../../helpers/ansible.js';
import { drover, jsonEvents } from '../../helpers/cli.js';

type Sh = (cmd: string) => { rc: number; stdout: string; stderr: string };
interface Target {
  name: string;
  vars: string;
  base: string;
  /** a root shell on the target that does not go through Drover */
  sh: Sh;
}

const MODULES = ['copy', 'template', 'lineinfile', 'blockinfile', 'replace'] as const;
let fleet: Fleet;
let sim: K8sSim;
let dir: string;
let targets: Target[];
let inventory: string;

const local: Sh = (cmd) => {
  const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
  return { rc: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

before(async () => {
  dir = mkdtempSync('/tmp/drover-validate-');
  chmodSync(dir, 0o755);
  fleet = await startFleet({ hosts: 1, name: 'validate', subnet: 28 });
  sim = await startK8sSim({ name: 'validate-sim' });
  await sim.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'validate-1', namespace: 'default' }, spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'debian' }] } });
  const ssh = (user: string, extra: string): string => `ansible_host: ${fleet.hosts[0]!.ip}, ansible_user: ${user}, ansible_ssh_private_key_file: ${fleet.keyPath}, drover_ssh_known_hosts: ${fleet.knownHostsPath}, ansible_become: true${extra}`;
  targets = [
    { name: 'local1', vars: 'ansible_connection: local', base: join(dir, 'local'), sh: local },
    { name: 'deploy1', vars: ssh('deploy', ''), base: '/srv/vt', sh: (c) => fleet.exec('host1', c) },
    { name: 'ops1', vars: ssh('ops', ', ansible_become_pass: ops-pass'), base: '/srv/vt-ops', sh: (c) => fleet.exec('host1', c) },
    { name: 'default/validate-1', vars: `ansible_connection: kubernetes, drover_k8s_kubeconfig: ${sim.kubeconfig}`, base: '/srv/vt', sh: (c) => sim.podShell('default', 'validate-1', c) },
  ];
  inventory = join(dir, 'inventory.yml');
  writeFileSync(inventory, `all:\n  hosts:\n${targets.map((t) => `    ${t.name}: {${t.vars}, base: ${t.base}}`).join('\n')}\n`);
  writeFileSync(join(dir, 'tpl.j2'), 'b={{ 1 + 1 }}\n');
});

after(async () => {
  await Promise.allSettled([fleet?.stop(), sim?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Each target's directory: `a=1` files owned by nobody, 0640, one per module and case. */
function setUp(t: Target): void {
  const r = t.sh(`set -e; B=${t.base}; rm -rf "$B"; mkdir -p "$B/nobody"; chown nobody:nogroup "$B/nobody"; : > "$B/seen"
for c in fail pass nos same chk; do for m in ${MODULES.join(' ')}; do printf 'a=1\\n' > "$B/$c-$m"; chown nobody:nogroup "$B/$c-$m"; chmod 0640 "$B/$c-$m"; done; done
printf 'b=2\\n' > "$B/same-lineinfile"; printf 'a=1\\n' > "$B/nobody/f"; chown nobody:nogroup "$B/nobody/f"`);
  assert.equal(r.rc, 0, `${t.name}: ${r.stderr}`);
}

/** inode, owner, mode, size, mtime, ctime and content of each file: any write or attribute change shows. */
function snapshot(t: Target, files: string[]): string {
  const r = t.sh(`cd ${t.base} && for f in ${files.join(' ')}; do stat -c '%n %i %U:%G %a %s %y %z' "$f"; sed 's/^/  | /' "$f"; done`);
  return r.stdout + r.stderr;
}

/** The new content each module writes (b=2 in place of a=1, or added). */
function write(m: (typeof MODULES)[number], path: string): string {
  switch (m) {
    case 'copy':
      return `copy: {content: "b=2\\n", dest: "${path}"`;
    case 'template':
      return `template: {src: tpl.j2, dest: "${path}"`;
    case 'lineinfile':
      return `lineinfile: {path: "${path}", line: "b=2"`;
    case 'blockinfile':
      return `blockinfile: {path: "${path}", block: "b=2"`;
    case 'replace':
      return `replace: {path: "${path}", regexp: "a=1", replace: "b=2"`;
  }
}

const FAIL = `"sh -c 'echo out; echo err >&2; exit 3' v %s"`;
// records the checked file, the user, the file's and its directory's modes, then checks the content
const PROBE = `"sh -c 'echo \\"$0 $(id -un) $(stat -c %%a \\"$0\\") $(stat -c %%a \\"$(dirname \\"$0\\")\\")\\" >> {{ base }}/seen; grep -q b=2 \\"$0\\"' %s"`;

function tasks(withBecomeUser: boolean): string {
  const lines: string[] = [];
  for (const m of MODULES) {
    lines.push(`    - {name: fail ${m}, ${write(m, `{{ base }}/fail-${m}`)}, validate: ${FAIL}}, ignore_errors: true}`);
    lines.push(`    - {name: pass ${m}, ${write(m, `{{ base }}/pass-${m}`)}, validate: ${PROBE}${m === 'copy' ? ', mode: "0604"' : ''}}}`);
    lines.push(`    - {name: nos ${m}, ${write(m, `{{ base }}/nos-${m}`)}, validate: "true"}, ignore_errors: true}`);
  }
  // nothing to write: Ansible never looks at validate then
  lines.push(`    - {name: same lineinfile, lineinfile: {path: "{{ base }}/same-lineinfile", line: "b=2", validate: "true"}}`);
  if (withBecomeUser) {
    lines.push(`    - name: as nobody
      copy: {content: "b=2\\n", dest: "{{ base }}/nobody/f", validate: "sh -c 'test \\"$(id -un)\\" = nobody && test -O \\"$0\\" && grep -q b=2 \\"$0\\"' %s"}
      become: true
      become_user: nobody`);
  }
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${lines.join('\n')}\n`;
}

const WATCHED = MODULES.flatMap((m) => [`fail-${m}`, `nos-${m}`]);
let siteRun: Promise<{ run: { code: number; stdout: string; stderr: string }; before: Record<string, string> }> | undefined;
function runSite(): NonNullable<typeof siteRun> {
  siteRun ??= (async () => {
    const snaps: Record<string, string> = {};
    for (const t of targets) {
      setUp(t);
      snaps[t.name] = snapshot(t, WATCHED);
    }
    // a change of ctime or mtime within the same clock tick would not show otherwise
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(dir, 'site.yml'), tasks(true));
    return { run: await drover(['play', join(dir, 'site.yml'), '-i', inventory, '--json'], { cwd: dir }), before: snaps };
  })();
  return siteRun;
}

function results(stdout: string, host: string): Record<string, { status: string; result: Record<string, any> }> {
  const out: Record<string, { status: string; result: Record<string, any> }> = {};
  for (const e of jsonEvents(stdout)) if (e.type === 'host_result' && e.host === host) out[e.task] = { status: e.status, result: e.result };
  return out;
}

test('a failing validate fails the task with Ansible\'s message and leaves the destination byte for byte and attribute for attribute as it was', async () => {
  const { run, before: snaps } = await runSite();
  for (const t of targets) {
    const r = results(run.stdout, t.name);
    for (const m of ['copy', 'template'] as const) {
      assert.equal(r[`fail ${m}`]?.status, 'failed', `${t.name} ${m}: ${run.stdout.slice(-2000)}`);
      const { msg, exit_status, stdout, stderr } = r[`fail ${m}`]!.result;
      assert.deepEqual({ msg, exit_status, stdout, stderr }, { msg: 'failed to validate', exit_status: 3, stdout: 'out\n', stderr: 'err\n' }, `${t.name} ${m}`);
    }
    for (const m of ['lineinfile', 'blockinfile', 'replace'] as const) {
      assert.equal(r[`fail ${m}`]?.status, 'failed', `${t.name} ${m}`);
      assert.equal(r[`fail ${m}`]!.result.msg, 'failed to validate: rc:3 error:err\n', `${t.name} ${m}`);
    }
    assert.equal(snapshot(t, WATCHED), snaps[t.name], `destinations on ${t.name}`);
    assert.match(snaps[t.name]!, /^fail-copy \d+ nobody:nogroup 640 4 /m, 'the snapshot is real');
  }
});

test('a passing validate lets the write happen; it checked a private temp file (0600 in a 0700 directory, copy\'s asked mode) as the become user, removed afterwards', async () => {
  const { run } = await runSite();
  for (const t of targets) {
    const r = results(run.stdout, t.name);
    for (const m of MODULES) assert.equal(r[`pass ${m}`]?.status, 'changed', `${t.name} ${m}: ${JSON.stringify(r[`pass ${m}`])}`);
    assert.equal(r['as nobody']?.status, 'changed', `${t.name} as nobody: ${JSON.stringify(r['as nobody'])}`);
    const content = t.sh(`cd ${t.base} && for m in ${MODULES.join(' ')}; do grep -c b=2 pass-$m; done; cat nobody/f`).stdout;
    assert.equal(content, '1\n1\n1\n1\n1\nb=2\n', t.name);
    const seen = t.sh(`cat ${t.base}/seen`).stdout.trim().split('\n');
    assert.equal(seen.length, MODULES.length, `${t.name}: ${seen.join('; ')}`);
    for (const [i, line] of seen.entries()) {
      const [path, user, mode, dirMode] = line.split(' ');
      assert.deepEqual([user, mode, dirMode], ['root', MODULES[i] === 'copy' ? '604' : '600', '700'], `${t.name} ${MODULES[i]}: ${line}`);
      assert.doesNotMatch(path!, new RegExp(`^${t.base}/`), 'not in the destination directory');
      assert.equal(t.sh(`ls -d ${path} ${path!.replace(/\/[^/]*$/, '')} 2>/dev/null; true`).stdout, '', `${path} and its directory are gone on ${t.name}`);
    }
    assert.equal(t.sh(`find ${t.base} -name '*.drover-*'`).stdout, '', `temp files beside the files on ${t.name}`);
  }
});

test('a validate without %s is refused when a write is due (dest untouched), and not looked at when nothing changes, as Ansible', async () => {
  const { run } = await runSite();
  for (const t of targets) {
    const r = results(run.stdout, t.name);
    for (const m of MODULES) {
      assert.equal(r[`nos ${m}`]?.status, 'failed', `${t.name} ${m}`);
      assert.equal(r[`nos ${m}`]!.result.msg, 'validate must contain %s: true', `${t.name} ${m}`);
    }
    assert.equal(r['same lineinfile']?.status, 'ok', t.name);
  }
  assert.equal(run.code, 0, 'every failure above was ignored');
});

test('--check runs no validate command (as Ansible) and changes nothing', async () => {
  for (const t of targets) setUp(t);
  const pb = join(dir, 'check.yml');
  const ran = `"sh -c 'touch {{ base }}/ran; exit 1' v %s"`;
  writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n${MODULES.map((m) => `    - {name: chk ${m}, ${write(m, `{{ base }}/chk-${m}`)}, validate: ${ran}}}`).join('\n')}\n    - {name: nos, ${write('copy', '{{ base }}/nos-copy')}, validate: "true"}}\n`);
  const files = [...MODULES.map((m) => `chk-${m}`), 'nos-copy'];
  const snaps = Object.fromEntries(targets.map((t) => [t.name, snapshot(t, files)]));
  const res = await drover(['play', pb, '-i', inventory, '--check', '--json'], { cwd: dir });
  assert.equal(res.code, 0, res.stdout.slice(-3000));
  for (const t of targets) {
    const r = results(res.stdout, t.name);
    for (const task of [...MODULES.map((m) => `chk ${m}`), 'nos']) assert.equal(r[task]?.status, 'changed', `${t.name} ${task}`);
    assert.equal(t.sh(`test -e ${t.base}/ran; echo $?`).stdout, '1\n', `no validate ran on ${t.name}`);
    assert.equal(snapshot(t, files), snaps[t.name], t.name);
  }
});

test('ansible-playbook gives the same results and leaves the same files on the same tasks (locally)', { skip: !hasAnsible && 'ansible-playbook is not installed' }, async () => {
  const pb = join(dir, 'parity.yml');
  writeFileSync(pb, tasks(false));
  const seen: Record<string, string> = {};
  for (const tool of ['ansible', 'drover'] as const) {
    const t: Target = { name: tool, vars: '', base: join(dir, `parity-${tool}`), sh: local };
    setUp(t);
    const args = [pb, '-i', 'localhost,', '-c', 'local', '-e', `base=${t.base}`];
    const out: string[] = [];
    if (tool === 'ansible') {
      const res = ansiblePlaybook(args, dir);
      for (const task of JSON.parse(res.raw.slice(res.raw.indexOf('{'))).plays[0].tasks) {
        const h = task.hosts.localhost;
        out.push(`${task.task.name}: ${h.failed ? 'failed' : h.changed ? 'changed' : 'ok'} ${JSON.stringify([h.failed ? h.msg : '', h.exit_status, h.stdout, h.stderr])}`);
      }
    } else {
      const res = await drover(['play', ...args, '--json'], { cwd: dir });
      for (const [task, { status, result: h }] of Object.entries(results(res.stdout, 'localhost'))) out.push(`${task}: ${status} ${JSON.stringify([h.failed ? h.msg : '', h.exit_status, h.stdout, h.stderr])}`);
    }
    const files = t.sh(`cd ${t.base} && for f in fail-* pass-* nos-* same-*; do stat -c '%n %U:%G %a' "$f"; sed 's/^/  | /' "$f"; done`).stdout;
    seen[tool] = `${out.join('\n')}\n${files}`;
  }
  assert.equal(seen.drover, seen.ansible);
  assert.match(seen.drover!, /^fail copy: failed \["failed to validate",3,"out\\n","err\\n"\]$/m, 'the comparison is real');
});
