// Every module that writes, over every connection, against real targets: locally, over ssh as
// root (SFTP), as `deploy` with sudo, as `ops` with sudo and a password, over ssh without an
// SFTP subsystem, and through the kubernetes connection into simulator pods (with and without
// tar). The same playbook runs on all of them at once; the result is read on each target
// through its own shell (the machine's, the fleet's nsenter, the pod sandbox's), never through
// the connection under test. Ansible is the reference: the last test runs ansible-playbook on
// the same cases locally and compares.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { startK8sSim, type K8sSim } from '../../k8s-sim/sim.js';
import { ansiblePlaybook, hasAnsible } from '../../helpers/ansible.js';
import { drover, jsonEvents, jsonSummary } from '../../helpers/cli.js';

interface Target {
  /** inventory name */
  name: string;
  /** inventory variables (YAML flow mapping body) */
  vars: string;
  /** the directory the playbook works in, on the target */
  base: string;
  /** a src for fetch with `..` that exists on the target and would land outside dest/HOST */
  escape: string;
  /** a root shell on the target that does not go through Drover */
  sh(cmd: string): { rc: number; stdout: string; stderr: string };
}

let fleet: Fleet;
let noSftp: Fleet;
let sim: K8sSim;
let dir: string;
let targets: Target[];
let inventory: string;

function local(cmd: string): { rc: number; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
  return { rc: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function pod(name: string, annotations: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', annotations }, spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'debian' }] } };
}

before(async () => {
  dir = mkdtempSync('/tmp/drover-files-');
  // `nobody` (become_user in one task) must reach the local target's directory
  chmodSync(dir, 0o755);
  fleet = await startFleet({ hosts: 2, name: 'files', subnet: 20 });
  process.env.DROVER_FLEET_NO_SFTP = '1';
  try {
    noSftp = await startFleet({ hosts: 1, name: 'files-nosftp', subnet: 21 });
  } finally {
    delete process.env.DROVER_FLEET_NO_SFTP;
  }
  sim = await startK8sSim({ name: 'files-sim' });
  await Promise.all([sim.create(pod('files-1')), sim.create(pod('files-notar-1', { 'sim.drover.dev/no-tar': 'true' }))]);
  const ssh = (f: Fleet, i: number, user: string, extra = ''): string => `ansible_host: ${f.hosts[i]!.ip}, ansible_user: ${user}, ansible_ssh_private_key_file: ${f.keyPath}, drover_ssh_known_hosts: ${f.knownHostsPath}${extra}`;
  const kube = `ansible_connection: kubernetes, drover_k8s_kubeconfig: ${sim.kubeconfig}`;
  targets = [
    // the local target's escape is a file in this test's directory (not one at / on the machine)
    { name: 'local1', vars: 'ansible_connection: local', base: join(dir, 'local'), escape: `/../..${dir}/escaped/x`, sh: local },
    { name: 'root1', vars: ssh(fleet, 0, 'root'), base: '/srv/ft', escape: '/../../escaped/x', sh: (c) => fleet.exec('host1', c) },
    { name: 'deploy1', vars: ssh(fleet, 1, 'deploy', ', ansible_become: true'), base: '/srv/ft', escape: '/../../escaped/x', sh: (c) => fleet.exec('host2', c) },
    // sudo with a password: sudo reads it from the same stdin that then carries the file
    { name: 'ops1', vars: ssh(fleet, 1, 'ops', ', ansible_become: true, ansible_become_pass: ops-pass'), base: '/srv/ft-ops', escape: '/../../escaped/x', sh: (c) => fleet.exec('host2', c) },
    { name: 'nosftp1', vars: ssh(noSftp, 0, 'root'), base: '/srv/ft', escape: '/../../escaped/x', sh: (c) => noSftp.exec('host1', c) },
    { name: 'default/files-1', vars: kube, base: '/srv/ft', escape: '/../../escaped/x', sh: (c) => sim.podShell('default', 'files-1', c) },
    { name: 'default/files-notar-1', vars: kube, base: '/srv/ft', escape: '/../../escaped/x', sh: (c) => sim.podShell('default', 'files-notar-1', c) },
  ];
  mkdirSync(join(dir, 'escaped'));
  writeFileSync(join(dir, 'escaped', 'x'), 'local\n');
  inventory = join(dir, 'inventory.yml');
  writeFileSync(inventory, `all:\n  vars: {fetch_dir: ${join(dir, 'fetched')}}\n  hosts:\n${targets.map((t) => `    ${t.name}: {${t.vars}, base: ${t.base}, escape_src: "${t.escape}"}`).join('\n')}\n`);
  writeFileSync(join(dir, 'tpl.j2'), 'x={{ 1 + 1 }}\n');
  writeFileSync(join(dir, 'script.sh'), '#!/bin/sh\n', { mode: 0o751 });
  chmodSync(join(dir, 'script.sh'), 0o751);
});

after(async () => {
  await Promise.allSettled([fleet?.stop(), noSftp?.stop(), sim?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Each target's directory as the tests start it: files owned by nobody, links to some of them. */
function setUp(t: Target): void {
  const r = t.sh(`set -e; B=${t.base}; rm -rf "$B"; mkdir -p "$B/nobody"; touch "$B/.start"; chown nobody:nogroup "$B/nobody"; chmod 0700 "$B/nobody"
for f in own own-block own-replace own-copy own-template; do printf 'a=1\\n' > "$B/$f"; chown nobody:nogroup "$B/$f"; chmod 0600 "$B/$f"; done
for m in lineinfile blockinfile replace copyf templatef copy template file; do printf 'a=1\\n' > "$B/real-$m"; chown nobody:nogroup "$B/real-$m"; chmod 0640 "$B/real-$m"; ln -s "real-$m" "$B/link-$m"; done
printf 'r\\n' > "$B/remote-src"; chmod 0710 "$B/remote-src"
if [ ! -e "${t.escape}" ]; then mkdir -p /escaped; echo remote > /escaped/x; fi`);
  assert.equal(r.rc, 0, `${t.name}: ${r.stderr}`);
}

/** `name type owner:group mode` and the content of each path, read on the target. */
function listing(t: Target, paths: string[]): string {
  const r = t.sh(`cd ${t.base} && for f in ${paths.join(' ')}; do if [ -L "$f" ]; then stat -c '%n %F' "$f"; else stat -c '%n %F %U:%G %a' "$f"; fi; [ -f "$f" ] && [ ! -L "$f" ] && sed 's/^/  | /' "$f"; done; true`);
  return r.stdout + r.stderr;
}

const SITE = `- hosts: all
  gather_facts: false
  tasks:
    - {name: lineinfile, lineinfile: {path: "{{ base }}/own", line: "b=2", backup: true}}
    - {name: blockinfile, blockinfile: {path: "{{ base }}/own-block", block: "b=2"}}
    - {name: replace, replace: {path: "{{ base }}/own-replace", regexp: "a=1", replace: "a=9"}}
    - {name: copy, copy: {content: "new\\n", dest: "{{ base }}/own-copy"}}
    - {name: template, template: {src: tpl.j2, dest: "{{ base }}/own-template"}}
    - {name: lineinfile through a link, lineinfile: {path: "{{ base }}/link-lineinfile", line: "b=2"}}
    - {name: blockinfile through a link, blockinfile: {path: "{{ base }}/link-blockinfile", block: "b=2"}}
    - {name: replace through a link, replace: {path: "{{ base }}/link-replace", regexp: "a=1", replace: "a=9"}}
    - {name: copy through a link, copy: {content: "new\\n", dest: "{{ base }}/link-copyf", follow: true}}
    - {name: template through a link, template: {src: tpl.j2, dest: "{{ base }}/link-templatef", follow: true}}
    - {name: copy onto a link without follow, copy: {content: "new\\n", dest: "{{ base }}/link-copy"}}
    - {name: template onto a link without follow, template: {src: tpl.j2, dest: "{{ base }}/link-template"}}
    - {name: file through a link, file: {path: "{{ base }}/link-file", state: file, mode: "0600"}}
    - {name: a new file with asked attributes, copy: {content: "secret\\n", dest: "{{ base }}/asked", owner: nobody, group: nogroup, mode: "0600"}}
    - {name: a new file with a symbolic mode, copy: {content: "sym\\n", dest: "{{ base }}/sym", mode: "u=rw,g=r,o="}}
    - {name: directories with a mode, file: {path: "{{ base }}/d1/d2/d3", state: directory, mode: "0700"}}
    - {name: mode preserve, copy: {src: script.sh, dest: "{{ base }}/preserved", mode: preserve}}
    - {name: mode preserve with remote_src, copy: {src: "{{ base }}/remote-src", remote_src: true, dest: "{{ base }}/preserved-remote", mode: preserve}}
    - {name: mode preserve with content, copy: {content: "c\\n", dest: "{{ base }}/preserved-content", mode: preserve}}
    - name: as another user
      copy: {content: "mine\\n", dest: "{{ base }}/nobody/f", mode: "0640"}
      become: true
      become_user: nobody
    - {name: fetch, fetch: {src: "{{ base }}/own", dest: "{{ fetch_dir }}"}}
    - name: fetch out of dest
      fetch: {src: "{{ escape_src }}", dest: "{{ fetch_dir }}"}
      ignore_errors: true
`;

/** What each path looks like after the playbook, on every target (ansible-playbook gives the same locally). */
const KEPT = `own regular file nobody:nogroup 600
  | a=1
  | b=2
own-block regular file nobody:nogroup 600
  | a=1
  | # BEGIN ANSIBLE MANAGED BLOCK
  | b=2
  | # END ANSIBLE MANAGED BLOCK
own-replace regular file nobody:nogroup 600
  | a=9
own-copy regular file nobody:nogroup 600
  | new
own-template regular file nobody:nogroup 600
  | x=2
`;

const LINKS = `link-lineinfile symbolic link
real-lineinfile regular file nobody:nogroup 640
  | a=1
  | b=2
link-blockinfile symbolic link
real-blockinfile regular file nobody:nogroup 640
  | a=1
  | # BEGIN ANSIBLE MANAGED BLOCK
  | b=2
  | # END ANSIBLE MANAGED BLOCK
link-replace symbolic link
real-replace regular file nobody:nogroup 640
  | a=9
link-copyf symbolic link
real-copyf regular file nobody:nogroup 640
  | new
link-templatef symbolic link
real-templatef regular file nobody:nogroup 640
  | x=2
link-copy regular file root:root 644
  | new
real-copy regular file nobody:nogroup 640
  | a=1
link-template regular file root:root 644
  | x=2
real-template regular file nobody:nogroup 640
  | a=1
link-file symbolic link
real-file regular file nobody:nogroup 600
  | a=1
`;

const CREATED = `asked regular file nobody:nogroup 600
  | secret
sym regular file root:root 640
  | sym
d1 directory root:root 700
d1/d2 directory root:root 700
d1/d2/d3 directory root:root 700
preserved regular file root:root 751
  | #!/bin/sh
preserved-remote regular file root:root 710
  | r
preserved-content regular file root:root 600
  | c
nobody/f regular file nobody:nogroup 640
  | mine
`;

/** The paths a listing names, in order. */
function pathsOf(expected: string): string[] {
  return expected.split('\n').filter((l) => l && !l.startsWith(' ')).map((l) => l.split(' ')[0]!);
}

let siteRun: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
/** The playbook, run once on freshly set-up targets for the tests below. */
function runSite(): Promise<{ code: number; stdout: string; stderr: string }> {
  siteRun ??= (async () => {
    for (const t of targets) setUp(t);
    const site = join(dir, 'site.yml');
    writeFileSync(site, SITE);
    return drover(['play', site, '-i', inventory, '--json'], { cwd: dir });
  })();
  return siteRun;
}

test('changing a file keeps its owner, group and mode (lineinfile, blockinfile, replace, copy, template), backups too', async () => {
  const run = await runSite();
  for (const t of targets) {
    assert.equal(listing(t, pathsOf(KEPT)), KEPT, `state on ${t.name}; run: ${run.stdout.slice(-2000)}`);
    // the backup is a copy with the original's owner and mode
    assert.equal(t.sh(`cd ${t.base} && stat -c '%U:%G %a' own.*~ && cat own.*~`).stdout, 'nobody:nogroup 600\na=1\n', `backup on ${t.name}`);
  }
});

test('symlinks: lineinfile, blockinfile, replace (copy, template with follow) write the target, which keeps its attributes, file sets attributes on the target; without follow the link becomes a 0644 file, never 0777', async () => {
  const run = await runSite();
  for (const t of targets) assert.equal(listing(t, pathsOf(LINKS)), LINKS, `state on ${t.name}; run: ${run.stdout.slice(-2000)}`);
});

test('new files and directories are what was asked: owner/group/mode (octal or symbolic) of a new file, mode on the parents file creates, copy mode=preserve, a file written as a become_user', async () => {
  const run = await runSite();
  for (const t of targets) assert.equal(listing(t, pathsOf(CREATED)), CREATED, `state on ${t.name}; run: ${run.stdout.slice(-2000)}`);
});

test('the run succeeds everywhere, leaves no temp file beside the files or in /tmp, and a second run changes nothing', async () => {
  const run = await runSite();
  assert.equal(run.code, 0, run.stderr + run.stdout.slice(-3000));
  const s = jsonSummary(run.stdout);
  for (const t of targets) {
    assert.equal(s.stats[t.name]?.failed, 0, t.name);
    assert.equal(t.sh(`find ${t.base} -name '*.drover-*'; find /tmp -maxdepth 1 -name '.drover-*' -newer ${t.base}/.start`).stdout, '', `temp files on ${t.name}`);
  }
  const second = await drover(['play', join(dir, 'site.yml'), '-i', inventory, '--json'], { cwd: dir });
  for (const t of targets) assert.equal(jsonSummary(second.stdout).stats[t.name]?.changed, 0, `second run changes nothing on ${t.name}`);
});

test('fetch writes under dest/HOST, and refuses a src whose `..` would leave it', async () => {
  const run = await runSite();
  const events = jsonEvents(run.stdout).filter((e) => e.type === 'host_result' && e.task === 'fetch out of dest');
  assert.equal(events.length, targets.length);
  for (const e of events) {
    assert.equal(e.status, 'failed');
    assert.match(String(e.result.msg), /Detected directory traversal/);
  }
  for (const t of targets) assert.equal(readFileSync(join(dir, 'fetched', t.name, t.base, 'own'), 'utf8'), 'a=1\nb=2\n');
  // nothing landed beside or above dest/HOST (the local target's escape is its own source file, unchanged)
  assert.deepEqual(walk(dir).filter((p) => p.includes('escaped') && !p.startsWith(join(dir, 'escaped'))), []);
  assert.equal(readFileSync(join(dir, 'escaped', 'x'), 'utf8'), 'local\n');
});

test('--check predicts writes into directories an earlier task would create (as Ansible), and changes nothing; the real run creates them', async () => {
  for (const t of targets) setUp(t);
  const pb = join(dir, 'later.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  tasks:
    - {file: {path: "{{ base }}/later/dir", state: directory, mode: "0750"}}
    - {copy: {content: "x\\n", dest: "{{ base }}/later/dir/f"}}
    - {template: {src: tpl.j2, dest: "{{ base }}/later/dir/t"}}
    - {lineinfile: {path: "{{ base }}/later/dir/l", line: "x", create: true}}
`,
  );
  const check = await drover(['play', pb, '-i', inventory, '--check', '--diff', '--json'], { cwd: dir });
  assert.equal(check.code, 0, check.stdout.slice(-3000));
  const s = jsonSummary(check.stdout);
  const copies = jsonEvents(check.stdout).filter((e) => e.type === 'host_result' && e.action === 'copy');
  assert.deepEqual(copies.map((e) => e.result.diff?.[0]?.after), targets.map(() => 'x\n'), 'the predicted content shows with --diff');
  for (const t of targets) {
    assert.deepEqual([s.stats[t.name]?.changed, s.stats[t.name]?.failed], [4, 0], t.name);
    assert.equal(t.sh(`test -e ${t.base}/later; echo $?`).stdout, '1\n', `check mode left ${t.name} untouched`);
  }
  const real = await drover(['play', pb, '-i', inventory, '--json'], { cwd: dir });
  assert.equal(real.code, 0, real.stdout.slice(-3000));
  for (const t of targets) assert.equal(listing(t, ['later', 'later/dir', 'later/dir/f', 'later/dir/t', 'later/dir/l']), 'later directory root:root 750\nlater/dir directory root:root 750\nlater/dir/f regular file root:root 644\n  | x\nlater/dir/t regular file root:root 644\n  | x=2\nlater/dir/l regular file root:root 644\n  | x\n', t.name);
});

test('fetch refuses a host name that would climb out of dest', async () => {
  const src = join(dir, 'fetch-src');
  writeFileSync(src, 'data\n');
  const dest = join(dir, 'fetch-dest', 'inner');
  mkdirSync(dest, { recursive: true });
  const res = await drover(['run', 'all', '-i', '../../climbed,', '-c', 'local', '-m', 'fetch', '-a', `src=${src} dest=${dest}`, '--json']);
  assert.equal(res.code, 2, res.stdout);
  const ev = jsonEvents(res.stdout).find((e) => e.type === 'host_result');
  assert.match(String(ev?.result.msg), /host name '\.\.\/\.\.\/climbed' cannot be a directory/);
  assert.equal(existsSync(join(dir, 'climbed')), false);
  assert.deepEqual(readdirSync(dest), []);
});

test('ansible-playbook leaves the same state as Drover on the same tasks (locally)', { skip: !hasAnsible && 'ansible-playbook is not installed' }, async () => {
  // the shared playbook without what Ansible cannot do here (become to nobody needs ACLs for its temp files; fetch's traversal)
  const tasks = SITE.split('\n    - ').slice(1).filter((t) => !/as another user|fetch/.test(t));
  const pb = join(dir, 'parity.yml');
  writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.map((t) => `    - ${t.trimEnd()}`).join('\n')}\n`);
  const paths = [...pathsOf(KEPT), ...pathsOf(LINKS), ...pathsOf(CREATED).filter((p) => p !== 'nobody/f')];
  const seen: Record<string, string> = {};
  for (const tool of ['ansible', 'drover'] as const) {
    const t: Target = { name: tool, vars: '', base: join(dir, `parity-${tool}`), escape: '', sh: local };
    setUp(t);
    const args = [pb, '-i', 'localhost,', '-c', 'local', '-e', `base=${t.base}`];
    const res = tool === 'ansible' ? ansiblePlaybook(args, dir) : await drover(['play', ...args, '--json'], { cwd: dir });
    assert.equal('code' in res ? res.code : 1, 0, `${tool}: ${'raw' in res ? res.raw.slice(-2000) : ''}${'stdout' in res ? res.stdout.slice(-2000) : ''}`);
    seen[tool] = listing(t, paths);
  }
  assert.equal(seen.drover, seen.ansible);
  assert.match(seen.drover!, /^real-file regular file nobody:nogroup 600$/m, 'the listing is real');
});

function walk(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [join(d, e.name), ...walk(join(d, e.name))] : [join(d, e.name)]));
}
