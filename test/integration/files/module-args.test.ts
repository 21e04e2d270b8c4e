// Every argument a module declares is honoured or refused, never accepted and ignored: the ones
// Drover dropped are refused at load (exit 5, file:line), values it cannot honour fail the task
// naming the argument, and the ones it now implements behave as ansible-playbook's (locally)
// and over ssh with become (one sshd host, systemctl without a daemon).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { ansiblePlaybook, hasAnsible } from '../../helpers/ansible.js';
import { drover, jsonEvents } from '../../helpers/cli.js';

let dir: string;
let fleet: Fleet | undefined;

before(() => {
  dir = mkdtempSync('/tmp/drover-module-args-');
  chmodSync(dir, 0o755);
});

after(async () => {
  await fleet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function results(stdout: string): Record<string, { status: string; result: Record<string, any> }> {
  const out: Record<string, { status: string; result: Record<string, any> }> = {};
  for (const e of jsonEvents(stdout)) if (e.type === 'host_result') out[e.task] = { status: e.status, result: e.result };
  return out;
}

/** Arguments Drover declared but never read, now gone from the schemas (Ansible's unsafe_writes is an in-place fallback write, not a no-op). */
const REMOVED: [string, string][] = [
  ['copy', 'unsafe_writes: true'],
  ['lineinfile', 'unsafe_writes: true'],
  ['blockinfile', 'unsafe_writes: true'],
  ['replace', 'unsafe_writes: true'],
  ['file', 'unsafe_writes: true'],
];

test('removed arguments are refused at load with the unknown-argument error: exit 5 naming file:line, nothing runs', async () => {
  for (const [mod, arg] of REMOVED) {
    const pb = join(dir, `removed-${mod}.yml`);
    const marker = join(dir, `ran-${mod}`);
    writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - {command: touch ${marker}}\n    - {${mod}: {path: /tmp/x, dest: /tmp/x, ${arg}}}\n`.replace(`{${mod}: {path: /tmp/x, dest: /tmp/x,`, mod === 'copy' ? `{${mod}: {dest: /tmp/x, content: x,` : `{${mod}: {path: /tmp/x,`));
    const res = await drover(['play', pb, '-i', 'localhost,', '-c', 'local']);
    assert.equal(res.code, 5, `${mod}: ${res.stdout}${res.stderr}`);
    assert.match(res.stderr, new RegExp(`${pb.replace(/[.]/g, '\\.')}:5\\b.*unsupported parameter for module ${mod}: unsafe_writes`, 's'), mod);
    assert.equal(existsSync(marker), false, `${mod}: nothing ran`);
  }
});

test('include_tasks, include_role, include_vars and meta refuse options Drover does not implement (apply, vars_from, public, hash_behaviour...) at load: exit 5 naming file:line', async () => {
  const d = join(dir, 'actions');
  mkdirSync(join(d, 'roles', 'r', 'tasks'), { recursive: true });
  writeFileSync(join(d, 'roles', 'r', 'tasks', 'main.yml'), '- debug: {msg: r}\n');
  writeFileSync(join(d, 't.yml'), '- debug: {msg: t}\n');
  writeFileSync(join(d, 'v.yml'), 'x: 1\n');
  const cases: [string, string][] = [
    ['include_tasks: {file: t.yml, apply: {tags: [x]}}', 'unsupported parameter for include_tasks: apply'],
    ['include_role: {name: r, vars_from: other}', 'unsupported parameter for include_role: vars_from'],
    ['import_role: {name: r, public: true}', 'unsupported parameter for import_role: public'],
    ['include_vars: {file: v.yml, hash_behaviour: merge}', 'unsupported parameter for include_vars: hash_behaviour'],
    ['include_vars: {dir: vars}', 'unsupported parameter for include_vars: dir'],
  ];
  for (const [task, msg] of cases) {
    const pb = join(d, 'pb.yml');
    writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: first}\n    - ${task}\n`);
    const res = await drover(['play', pb, '-i', 'localhost,', '-c', 'local'], { cwd: d });
    assert.equal(res.code, 5, `${task}: ${res.stdout}${res.stderr}`);
    assert.match(res.stderr, new RegExp(`pb\\.yml:5\\b.*${msg}`, 's'), task);
    assert.doesNotMatch(res.stdout, /first/, 'nothing ran');
  }
  // what Drover reads still loads and runs
  const ok = join(d, 'ok.yml');
  writeFileSync(ok, `- hosts: all\n  gather_facts: false\n  tasks:\n    - include_tasks: {file: t.yml}\n    - include_role: {name: r, tasks_from: main}\n    - include_vars: {file: v.yml, name: loaded}\n    - meta: flush_handlers\n    - debug: {var: loaded.x}\n`);
  const res = await drover(['play', ok, '-i', 'localhost,', '-c', 'local'], { cwd: d });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /"loaded\.x": 1/);
});

test('values Drover cannot honour fail the task naming the argument, and write nothing; a vault file is refused unless decrypt=false', async () => {
  const d = join(dir, 'values');
  mkdirSync(d);
  writeFileSync(join(d, 't.j2'), 'x\n');
  writeFileSync(join(d, 'vaulted'), '$ANSIBLE_VAULT;1.1;AES256\n6162\n');
  writeFileSync(join(d, 'r'), 'a\n');
  const cases: [string, string, RegExp][] = [
    ['lstrip_blocks', `template: {src: t.j2, dest: "${d}/o1", lstrip_blocks: true}`, /lstrip_blocks must be one of: false, got: true/],
    ['trim_blocks', `template: {src: t.j2, dest: "${d}/o2", trim_blocks: false}`, /trim_blocks must be one of: true, got: false/],
    ['newline_sequence', `template: {src: t.j2, dest: "${d}/o3", newline_sequence: "\\r\\n"}`, /newline_sequence must be one of/],
    ['output_encoding', `template: {src: t.j2, dest: "${d}/o4", output_encoding: latin-1}`, /output_encoding must be one of: utf-8.*got: latin-1/],
    ['local_follow', `copy: {src: t.j2, dest: "${d}/o5", local_follow: false}`, /local_follow must be one of: true, got: false/],
    ['encoding', `replace: {path: "${d}/r", regexp: a, replace: b, encoding: latin-1}`, /encoding must be one of: utf-8.*got: latin-1/],
    ['decrypt', `copy: {src: vaulted, dest: "${d}/o6"}`, /encrypted with Ansible Vault, which Drover cannot decrypt/],
    ['drained', `wait_for: {port: 1, state: drained, timeout: 1}`, /state must be one of: started, stopped, present, absent, got: drained/],
  ];
  const pb = join(d, 'pb.yml');
  writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n${cases.map(([n, t]) => `    - {name: ${n}, ${t}, ignore_errors: true}`).join('\n')}\n    - {name: raw vault, copy: {src: vaulted, dest: "${d}/o7", decrypt: false}}\n`);
  const res = await drover(['play', pb, '-i', 'localhost,', '-c', 'local', '--json'], { cwd: d });
  const r = results(res.stdout);
  for (const [n, , msg] of cases) {
    assert.equal(r[n]?.status, 'failed', `${n}: ${JSON.stringify(r[n])}`);
    assert.match(String(r[n]!.result.msg), msg, n);
  }
  for (const o of ['o1', 'o2', 'o3', 'o4', 'o5', 'o6']) assert.equal(existsSync(join(d, o)), false, o);
  assert.equal(spawnSync('cat', [join(d, 'r'), join(d, 'o7')], { encoding: 'utf8' }).stdout, 'a\n$ANSIBLE_VAULT;1.1;AES256\n6162\n');
});

const PARITY = `- hosts: all
  gather_facts: false
  tasks:
    - {name: checksum wrong, copy: {content: "c\\n", dest: "{{ d }}/ck", checksum: "0000000000000000000000000000000000000000"}, ignore_errors: true}
    - {name: checksum right, copy: {content: "c\\n", dest: "{{ d }}/ck2", checksum: "2b66fd261ee5c6cfc8de7fa466bab600bcfe4f69"}}
    - {name: directory_mode, copy: {src: "{{ d }}/src/", dest: "{{ d }}/out/a/b/", directory_mode: "0700"}}
    - {name: stat, stat: {path: "{{ d }}/plain"}, register: st}
    - {name: stat shown, debug: {msg: "{{ [st.stat.mimetype, st.stat.charset, st.stat.attributes, st.stat.attr_flags, st.stat.version is not none] }}"}}
    - {name: stat off, stat: {path: "{{ d }}/plain", get_mime: false, get_attributes: false}, register: st2}
    - {name: stat off shown, debug: {msg: "{{ ['mimetype' in st2.stat, 'attributes' in st2.stat, 'attr_flags' in st2.stat] }}"}}
    - {name: command expands, command: "echo $HOME \${HOME} $NOPE_X \${NOPE_X} ~ ~/x '~' a$HOME ~nosuchuser/y $1x '$HOME b' ~root $$ a~"}
    - {name: raw executable, raw: echo $0, args: {executable: /bin/bash}}
`;

test('copy checksum and directory_mode, stat get_mime and get_attributes, command\'s $VAR and ~ expansion, raw executable: as ansible-playbook', { skip: !hasAnsible && 'ansible-playbook is not installed' }, async () => {
  const pb = join(dir, 'parity.yml');
  writeFileSync(pb, PARITY);
  const seen: Record<string, string> = {};
  for (const tool of ['ansible', 'drover'] as const) {
    const d = join(dir, `parity-${tool}`);
    mkdirSync(join(d, 'src', 'sub'), { recursive: true });
    writeFileSync(join(d, 'src', 'sub', 'f'), 'hi\n');
    writeFileSync(join(d, 'plain'), 'x\n');
    const args = [pb, '-i', 'localhost,', '-c', 'local', '-e', `d=${d}`];
    const lines: string[] = [];
    const show = (task: string, h: Record<string, any>): void => {
      lines.push(`${task}: ${JSON.stringify([h.failed ?? false, h.msg, h.checksum, h.expected_checksum, h.stdout?.replace(d, 'D')])}`);
    };
    if (tool === 'ansible') {
      const res = ansiblePlaybook(args, dir);
      for (const t of JSON.parse(res.raw.slice(res.raw.indexOf('{'))).plays[0].tasks) show(t.task.name, t.hosts.localhost);
    } else {
      const res = await drover(['play', ...args, '--json'], { cwd: dir });
      for (const [task, { result }] of Object.entries(results(res.stdout))) show(task, result);
    }
    lines.push(spawnSync('sh', ['-c', `cd ${d} && find out ck ck2 -printf '%p %m\\n' 2>&1 | sort`], { encoding: 'utf8' }).stdout);
    seen[tool] = lines.join('\n');
  }
  assert.equal(seen.drover, seen.ansible);
  assert.match(seen.drover!, /^command expands: \[false,"","?/m);
  assert.match(seen.drover!, /^out\/a 700$/m, 'the comparison is real');
});

const TIMES = `- hosts: all
  gather_facts: false
  tasks:
    - {name: touch new with mtime, file: {path: "{{ d }}/t1", state: touch, modification_time: "202301021530.45"}}
    - {name: file mtime, file: {path: "{{ d }}/f1", state: file, modification_time: "202301021530.45", access_time: "202001010000.00"}}
    - {name: file mtime again, file: {path: "{{ d }}/f1", state: file, modification_time: "202301021530.45", access_time: "202001010000.00"}}
    - {name: custom format, file: {path: "{{ d }}/f2", access_time: "2021-03-04 05:06:07", access_time_format: "%Y-%m-%d %H:%M:%S"}}
    - {name: touch preserve, file: {path: "{{ d }}/f3", state: touch, modification_time: preserve, access_time: preserve}}
    - {name: dir now, file: {path: "{{ d }}/dd", state: directory, modification_time: now}}
    - {name: bad time, file: {path: "{{ d }}/f1", modification_time: "yesterday"}, ignore_errors: true}
    - {name: two-digit year, file: {path: "{{ d }}/f4", modification_time: "99-12-31", modification_time_format: "%y-%m-%d"}}
    - {name: recursive, file: {path: "{{ d }}/rd", state: directory, recurse: true, modification_time: "202201010101.01", access_time: preserve}}
    - {name: recursive again, file: {path: "{{ d }}/rd", state: directory, recurse: true, modification_time: "202201010101.01", access_time: preserve}}
`;

test('file modification_time/access_time (preserve, now, a time in *_time_format) set and compare times as ansible-playbook; --check changes none', { skip: !hasAnsible && 'ansible-playbook is not installed' }, async () => {
  const pb = join(dir, 'times.yml');
  writeFileSync(pb, TIMES);
  const seen: Record<string, string> = {};
  const setUp = (d: string): void => {
    mkdirSync(join(d, 'dd'), { recursive: true });
    assert.equal(spawnSync('sh', ['-c', `cd ${d} && mkdir -p rd/sub && echo y > rd/sub/y && for f in f1 f2 f3 f4 rd rd/sub rd/sub/y; do [ -d $f ] || echo x > $f; touch -d '2019-05-05 05:05:05' $f; done`]).status, 0);
  };
  const times = (d: string): string => spawnSync('sh', ['-c', `cd ${d} && { stat -c '%n %y %x' t1 f1 f2 f3 f4 rd/sub/y; stat -c '%n %y' rd rd/sub; } 2>&1 | sed 's/ ${new Date().getFullYear()}-[0-9-]* [0-9:.]* [+-][0-9]*$/ NOW/; s/[.][0-9]* [+-][0-9]*//g'`], { encoding: 'utf8' }).stdout;
  for (const tool of ['ansible', 'drover'] as const) {
    const d = join(dir, `times-${tool}`);
    setUp(d);
    const args = [pb, '-i', 'localhost,', '-c', 'local', '-e', `d=${d}`];
    const lines: string[] = [];
    if (tool === 'ansible') {
      const res = ansiblePlaybook(args, dir);
      for (const t of JSON.parse(res.raw.slice(res.raw.indexOf('{'))).plays[0].tasks) lines.push(`${t.task.name}: ${JSON.stringify([t.hosts.localhost.failed ?? false, t.hosts.localhost.changed, t.hosts.localhost.msg ?? ''])}`);
    } else {
      const check = join(dir, 'times-check');
      setUp(check);
      const before = times(check);
      assert.equal((await drover(['play', pb, '-i', 'localhost,', '-c', 'local', '-e', `d=${check}`, '--check'], { cwd: dir })).code, 0);
      assert.equal(times(check), before, '--check changed no time');
      const res = await drover(['play', ...args, '--json'], { cwd: dir });
      for (const [task, { status, result }] of Object.entries(results(res.stdout))) lines.push(`${task}: ${JSON.stringify([result.failed ?? false, status === 'changed' || (status === 'failed' && result.changed), result.msg ?? ''])}`);
    }
    seen[tool] = `${lines.join('\n')}\n${times(d)}`;
  }
  assert.equal(seen.drover, seen.ansible);
  assert.match(seen.drover!, /^f1 2023-01-02 15:30:45 2020-01-01 00:00:00$/m, 'the comparison is real');
});

const HARD = `- hosts: all
  gather_facts: false
  tasks:
    - {name: new, file: {path: "{{ d }}/h1", src: "{{ d }}/s", state: hard}}
    - {name: again, file: {path: "{{ d }}/h1", src: "{{ d }}/s", state: hard}}
    - {name: over a file, file: {path: "{{ d }}/plainfile", src: "{{ d }}/s", state: hard}, ignore_errors: true}
    - {name: over another hard link, file: {path: "{{ d }}/other1", src: "{{ d }}/s", state: hard}, ignore_errors: true}
    - {name: forced, file: {path: "{{ d }}/plainfile2", src: "{{ d }}/s", state: hard, force: true}}
    - {name: no src, file: {path: "{{ d }}/h2", src: "{{ d }}/nope", state: hard}, ignore_errors: true}
`;

test('file state=hard: force is needed to replace a file or another hard link, a link already there changes nothing, as ansible-playbook', { skip: !hasAnsible && 'ansible-playbook is not installed' }, async () => {
  const pb = join(dir, 'hard.yml');
  writeFileSync(pb, HARD);
  const seen: Record<string, string> = {};
  for (const tool of ['ansible', 'drover'] as const) {
    const d = join(dir, `hard-${tool}`);
    assert.equal(spawnSync('sh', ['-c', `mkdir ${d} && cd ${d} && echo s > s && echo keep > plainfile && echo keep > plainfile2 && echo o > other && ln other other1`]).status, 0);
    const args = [pb, '-i', 'localhost,', '-c', 'local', '-e', `d=${d}`];
    const lines: string[] = [];
    if (tool === 'ansible') {
      const res = ansiblePlaybook(args, dir);
      for (const t of JSON.parse(res.raw.slice(res.raw.indexOf('{'))).plays[0].tasks) lines.push(`${t.task.name}: ${JSON.stringify([t.hosts.localhost.failed ?? false, t.hosts.localhost.changed, t.hosts.localhost.msg ?? ''])}`);
    } else {
      const res = await drover(['play', ...args, '--json'], { cwd: dir });
      for (const [task, { status, result }] of Object.entries(results(res.stdout))) lines.push(`${task}: ${JSON.stringify([result.failed ?? false, status === 'changed', result.msg ?? ''])}`);
    }
    lines.push(spawnSync('sh', ['-c', `cd ${d} && stat -c '%n %h' s plainfile plainfile2 other1 && cat plainfile other1`], { encoding: 'utf8' }).stdout);
    seen[tool] = lines.join('\n');
  }
  assert.equal(seen.drover, seen.ansible);
  assert.match(seen.drover!, /^over a file: \[true,false,"Cannot link, file exists at destination"\]$/m, 'the comparison is real');
});

// a server in its own process: ansible-playbook is run synchronously and would block one in this one
const AUTH_SERVER = `const seen = [];
require('node:http').createServer((req, res) => {
  if (req.url === '/seen') return res.end(JSON.stringify(seen.splice(0)));
  seen.push(req.method + ' ' + req.url + ' ' + (req.headers.authorization ?? '-'));
  if (req.url.startsWith('/r')) {
    res.writeHead(302, { location: '/t' });
    return res.end('moved');
  }
  if (req.headers.authorization || req.url === '/t') return res.end('ok');
  res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' });
  res.end('no');
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

test('uri force_basic_auth: credentials sent at once only when forced, else in answer to the 401 challenge, as ansible-playbook', { skip: !hasAnsible && 'ansible-playbook is not installed' }, async () => {
  const server = spawn(process.execPath, ['-e', AUTH_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = Number(await new Promise<string>((r) => server.stdout.once('data', (d) => r(String(d).trim()))));
    const pb = join(dir, 'uri.yml');
    writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - {uri: {url: "http://127.0.0.1:${port}/forced", url_username: u, url_password: p, force_basic_auth: true}}\n    - {uri: {url: "http://127.0.0.1:${port}/challenged", url_username: u, url_password: p}}\n`);
    const args = [pb, '-i', 'localhost,', '-c', 'local'];
    const byTool: Record<string, string[]> = {};
    for (const tool of ['ansible', 'drover'] as const) {
      const code = tool === 'ansible' ? ansiblePlaybook(args, dir).code : (await drover(['play', ...args], { cwd: dir })).code;
      assert.equal(code, 0, tool);
      byTool[tool] = (await (await fetch(`http://127.0.0.1:${port}/seen`)).json()) as string[];
    }
    assert.deepEqual(byTool.drover, byTool.ansible);
    assert.deepEqual(byTool.drover, ['GET /forced Basic dTpw', 'GET /challenged -', 'GET /challenged Basic dTpw']);
  } finally {
    server.kill();
  }
});

test('uri follow_redirects: safe (the default) follows only GET and HEAD, all turns a POST into a GET on 302, none follows nothing: the same requests and results as ansible-playbook', { skip: !hasAnsible && 'ansible-playbook is not installed' }, async () => {
  const server = spawn(process.execPath, ['-e', AUTH_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = Number(await new Promise<string>((r) => server.stdout.once('data', (d) => r(String(d).trim()))));
    const u = `http://127.0.0.1:${port}`;
    const pb = join(dir, 'redirects.yml');
    writeFileSync(
      pb,
      `- hosts: all
  gather_facts: false
  tasks:
    - {uri: {url: "${u}/r1"}, register: r1}
    - {uri: {url: "${u}/r2", method: POST, body: "x"}, ignore_errors: true, register: r2}
    - {uri: {url: "${u}/r3", method: POST, body: "x", follow_redirects: all}, register: r3}
    - {uri: {url: "${u}/r4", follow_redirects: none}, ignore_errors: true, register: r4}
    - {name: shown, debug: {msg: "{{ [r1.status, r2.status, r3.status, r4.status, r2.msg, r4.msg] }}"}}
`,
    );
    const args = [pb, '-i', 'localhost,', '-c', 'local'];
    const byTool: Record<string, unknown> = {};
    for (const tool of ['ansible', 'drover'] as const) {
      let shown: unknown;
      if (tool === 'ansible') {
        const res = ansiblePlaybook(args, dir);
        shown = JSON.parse(res.raw.slice(res.raw.indexOf('{'))).plays[0].tasks.at(-1).hosts.localhost.msg;
      } else shown = results((await drover(['play', ...args, '--json'], { cwd: dir })).stdout).shown?.result.msg;
      byTool[tool] = { shown, requests: await (await fetch(`${u}/seen`)).json() };
    }
    assert.deepEqual(byTool.drover, byTool.ansible);
    assert.deepEqual((byTool.drover as { requests: string[] }).requests, ['GET /r1 -', 'GET /t -', 'POST /r2 -', 'POST /r3 -', 'GET /t -', 'GET /r4 -']);
  } finally {
    server.kill();
  }
});

test('over ssh with become: systemd masked, a module warning shown as [WARNING], command expansion as the become user, stat mime', async () => {
  fleet = await startFleet({ hosts: 1, name: 'module-args', subnet: 36 });
  const unit = '[Unit]\nDescription=x\n[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n';
  assert.equal(fleet.exec('host1', `mkdir -p /usr/lib/systemd/system && printf '${unit.replace(/\n/g, '\\n')}' > /usr/lib/systemd/system/dummy.service; printf 'x\\n' > /srv/plain`).rc, 0);
  const inv = join(dir, 'inv.yml');
  writeFileSync(inv, `all:\n  hosts:\n    h1: {ansible_host: ${fleet.hosts[0]!.ip}, ansible_user: deploy, ansible_ssh_private_key_file: ${fleet.keyPath}, drover_ssh_known_hosts: ${fleet.knownHostsPath}, ansible_become: true}\n`);
  const pb = join(dir, 'ssh.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  tasks:
    - {name: mask, systemd: {name: dummy, masked: true}}
    - {name: mask again, systemd: {name: dummy, masked: true}}
    - {name: unmask, systemd: {name: dummy, masked: false}}
    - {name: service sleep, service: {name: dummy, enabled: false, sleep: 3}}
    - {name: expand, command: "echo $HOME ~ $USER"}
    - {name: stat, stat: {path: /srv/plain}}
    - {name: times, file: {path: /srv/plain, modification_time: "202301021530.45", access_time: now}}
`,
  );
  const res = await drover(['play', pb, '-i', inv, '--json'], { cwd: dir });
  const r = results(res.stdout);
  assert.deepEqual(['mask', 'mask again', 'unmask'].map((t) => r[t]?.status), ['changed', 'ok', 'changed'], res.stdout.slice(-3000));
  assert.equal(r['expand']?.result.stdout, '/root /root root');
  assert.deepEqual([r['stat']?.result.stat.mimetype, r['stat']?.result.stat.charset], ['text/plain', 'us-ascii']);
  assert.equal(r['times']?.status, 'changed');
  assert.equal(fleet.exec('host1', "stat -c '%y' /srv/plain").stdout.replace(/[.]\d+ [+-]\d+/, ''), '2023-01-02 15:30:45\n');
  const warnings = jsonEvents(res.stdout).filter((e) => e.type === 'warning').map((e) => e.message);
  assert.deepEqual(warnings, ['Ignoring "sleep" as it is not used in "systemd"']);
  const masked = await drover(['play', pb, '-i', inv], { cwd: dir });
  assert.match(masked.stdout + masked.stderr, /\[WARNING\]: Ignoring "sleep" as it is not used in "systemd"/);
  // masking was real: the unit's state as systemctl on the host sees it after a mask
  writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - {systemd: {name: dummy, masked: true}}\n`);
  assert.equal((await drover(['play', pb, '-i', inv], { cwd: dir })).code, 0);
  assert.equal(fleet.exec('host1', 'systemctl is-enabled dummy').stdout.trim(), 'masked');
});
