// On the test fleet with Debian's etcd 3.4: the shipped playbook builds a real 3-member TLS
// cluster over ssh (idempotently), and `drover etcd backup` takes verified snapshots of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { makeEtcdPki } from '../../fleet/etcd-pki.js';
import { checkSnapshot } from '../../../src/etcd/snapshot-integrity.js';
import { drover, jsonSummary, ROOT } from '../../helpers/cli.js';

let fleet: Fleet;
let dir: string;
let inv: string;
let deployArgs: string[];
let firstDeploy: { code: number; stdout: string };

before(async () => {
  // DROVER_ETCD_TEST_SUBNET lets a run pick a free fleet subnet when others share the machine
  fleet = await startFleet({ hosts: 6, name: 'etcd', subnet: Number(process.env.DROVER_ETCD_TEST_SUBNET ?? 9) });
  dir = mkdtempSync(join(tmpdir(), 'drover-etcd-'));
  makeEtcdPki(join(dir, 'pki'), fleet.hosts.map((h) => ({ name: h.name, ip: h.ip })));
  inv = join(dir, 'inv.yml');
  // host1-3 form cluster A (group etcd); host4-6 are the fresh machines of group etcd_b
  const hostsYaml = (from: number, to: number): string => fleet.hosts.slice(from - 1, to).map((h) => `        ${h.name}: {ansible_host: ${h.ip}}`).join('\n');
  const common = `ansible_user: root, ansible_ssh_private_key_file: ${fleet.keyPath}, drover_ssh_known_hosts: ${fleet.knownHostsPath}`;
  writeFileSync(inv, `all:\n  vars: {${common}}\n  children:\n    etcd:\n      hosts:\n${hostsYaml(1, 3)}\n    etcd_b:\n      hosts:\n${hostsYaml(4, 6)}\n`);
  deployArgs = ['play', join(ROOT, 'playbooks', 'etcd', 'deploy.yml'), '-i', inv, '-e', `etcd_pki_src=${join(dir, 'pki')}`, '-e', 'cluster_token=itest', '--json'];
  firstDeploy = await drover(deployArgs, { timeoutMs: 180_000 });
});

after(async () => {
  await fleet?.stop();
});

test('playbooks/etcd/deploy.yml: a healthy TLS cluster that replicates, changed=0 on the second run', async () => {
  assert.equal(firstDeploy.code, 0, firstDeploy.stdout.slice(-3000));
  const put = fleet.exec('host1', '. /root/etcdctl.env && etcdctl put /drover/probe replicated');
  assert.equal(put.stdout.trim(), 'OK', put.stderr);
  const get = fleet.exec('host3', `. /root/etcdctl.env && ETCDCTL_ENDPOINTS=https://${fleet.hosts[2]!.ip}:2379 etcdctl get /drover/probe --print-value-only`);
  assert.equal(get.stdout.trim(), 'replicated');
  const members = JSON.parse(fleet.exec('host2', '. /root/etcdctl.env && etcdctl member list -w json').stdout);
  assert.deepEqual(members.members.map((m: { name: string }) => m.name).sort(), ['host1', 'host2', 'host3']);
  // a client without a certificate is refused: client-cert auth is really on
  assert.notEqual(fleet.exec('host1', `ETCDCTL_API=3 etcdctl --endpoints=https://${fleet.hosts[0]!.ip}:2379 --cacert /etc/etcd/pki/ca.crt --dial-timeout=2s --command-timeout=3s get /drover/probe`).rc, 0);
  const status = await drover(['etcd', 'status', '-i', inv, '--json']);
  assert.equal(status.code, 0, status.stdout + status.stderr);
  const rows = JSON.parse(status.stdout);
  assert.deepEqual(rows.map((r: { host: string }) => r.host), ['host1', 'host2', 'host3']);
  assert.equal(rows.filter((r: { leader: boolean }) => r.leader).length, 1, 'exactly one leader');
  assert.ok(rows.every((r: { healthy: boolean; id: string }) => r.healthy && /^[0-9a-f]+$/.test(r.id)));
  const second = await drover(deployArgs, { timeoutMs: 120_000 });
  for (const [h, st] of Object.entries(jsonSummary(second.stdout).stats)) assert.equal(st.changed, 0, `changed=0 on ${h}`);
});

test('etcd backup: verified snapshot with checksum and sidecar, retention, lock, webhook', async () => {
  fleet.exec('host1', '. /root/etcdctl.env && for i in $(seq 1 100); do etcdctl put /fleet/key$i value$i >/dev/null; done');
  const store = join(dir, 'backups');
  const received: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  try {
    const backup = (extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> => drover(['etcd', 'backup', '-i', inv, '--dir', store, '--cluster', 'itest', '--keep', '2', '--json', ...extra], { timeoutMs: 120_000 });
    // a real SMTP server (Python's smtpd) receives the mail
    const smtpPort = port + 1 < 65535 ? port + 1 : port - 1;
    const smtp = spawn('/usr/bin/python3', ['-u', '-m', 'smtpd', '-n', '-c', 'DebuggingServer', `127.0.0.1:${smtpPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let mailbox = '';
    smtp.stdout.on('data', (d) => (mailbox += d));
    await new Promise((r) => setTimeout(r, 800));
    let first;
    try {
      first = await backup(['--webhook', `http://127.0.0.1:${port}/hook`, '--mail-to', 'ops@example.test', '--smtp', `smtp://127.0.0.1:${smtpPort}`]);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      smtp.kill();
    }
    assert.match(mailbox, /Subject: \[drover\] etcd backup ok: itest/);
    assert.match(mailbox, /revision: \d+/);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const line = JSON.parse(first.stdout.trim());
    assert.equal(line.status, 'ok');
    assert.ok(line.meta.totalKey >= 101);
    assert.deepEqual(line.meta.members.map((m: { name: string }) => m.name).sort(), ['host1', 'host2', 'host3']);
    const db = readFileSync(line.file);
    assert.equal(checkSnapshot(db).ok, true);
    assert.equal(readFileSync(`${line.file}.sha256`, 'utf8').split(' ')[0], line.meta.sha256);
    assert.equal((received[0] as { status: string }).status, 'ok');

    // a run interrupted while writing leaves a temp file: the next run removes it, retention ignores it
    writeFileSync(join(store, '.itest-half.db.drover-0123456789ab'), 'half');
    // a failing notification is reported and does not turn a good backup into a failure
    const second = await backup(['--webhook', 'http://127.0.0.1:1/nothing-listens', '--mail-to', 'ops@example.test', '--smtp', 'smtp://127.0.0.1:1']);
    assert.equal(second.code, 0);
    const l2 = JSON.parse(second.stdout.trim());
    assert.equal(l2.notification.ok, false);
    assert.equal(l2.mail.ok, false);
    assert.deepEqual(l2.removedPartials, ['.itest-half.db.drover-0123456789ab']);
    await new Promise((r) => setTimeout(r, 1100));
    const third = await backup();
    assert.equal(JSON.parse(third.stdout.trim()).deleted.length, 1, 'keep 2: the oldest went');
    assert.equal(readdirSync(store).filter((f) => f.endsWith('.db')).length, 2);

    // while another backup holds the lock (the kernel lock on the file), a second run is refused with exit 3
    const lockFile = join(store, '.drover-etcd-backup.lock');
    const holder = spawn('flock', ['--no-fork', lockFile, 'sleep', '30']);
    const holderExit = new Promise((r) => holder.on('exit', r));
    try {
      for (let i = 0; i < 50 && spawnSync('flock', ['-n', lockFile, 'true']).status === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const locked = await backup();
      assert.equal(locked.code, 3);
      assert.equal(JSON.parse(locked.stdout.trim()).status, 'locked');
    } finally {
      holder.kill();
    }
    await holderExit;
    // the holder is gone: the kernel released its lock, whatever pid the file still names
    const afterStale = await backup();
    assert.equal(afterStale.code, 0, 'a dead holder\'s lock is no obstacle');
  } finally {
    server.close();
  }
});

test('etcd restore: in place (same IDs) and onto three other hosts (new IDs), verified', async () => {
  const store = join(dir, 'restore-src');
  const snap = await drover(['etcd', 'backup', '-i', inv, '--dir', store, '--cluster', 'itest', '--json'], { timeoutMs: 120_000 });
  const file = JSON.parse(snap.stdout.trim()).file as string;
  const keysOn = (host: string, ip: string): number => Number(fleet.exec(host, `. /root/etcdctl.env && ETCDCTL_ENDPOINTS=https://${ip}:2379 etcdctl get /fleet/ --prefix --keys-only | grep -c .`).stdout.trim());
  const before = keysOn('host1', fleet.hosts[0]!.ip);
  assert.ok(before >= 100);
  fleet.exec('host1', '. /root/etcdctl.env && etcdctl del /fleet/ --prefix');
  assert.equal(keysOn('host1', fleet.hosts[0]!.ip), 0);

  const refused = await drover(['etcd', 'restore', file, '-i', inv, '--token', 'itest'], { timeoutMs: 60_000 });
  assert.equal(refused.code, 5, 'an existing data dir is not touched without --force');
  assert.match(refused.stdout + refused.stderr, /--force/);

  const inPlace = await drover(['etcd', 'restore', file, '-i', inv, '--token', 'itest', '--force', '--expect-prefix', '/fleet/', '--json'], { timeoutMs: 180_000 });
  assert.equal(inPlace.code, 0, inPlace.stdout + inPlace.stderr);
  const r1 = JSON.parse(inPlace.stdout.trim());
  assert.equal(r1.ok, true);
  assert.deepEqual(r1.newMembers, r1.oldMembers, 'same names, URLs and token: same member IDs');
  assert.equal(Object.keys(r1.movedAside).length, 3, 'old data moved aside, not deleted');
  assert.equal(fleet.exec('host2', `test -d ${r1.movedAside.host2}; echo $?`).stdout.trim(), '0');
  assert.equal(keysOn('host2', fleet.hosts[1]!.ip), before);

  // a corrupted copy of the snapshot is refused before anything is touched
  const corrupt = join(dir, 'corrupt.db');
  const bytes = readFileSync(file);
  bytes[4096] ^= 0xff;
  writeFileSync(corrupt, bytes);
  const bad = await drover(['etcd', 'restore', corrupt, '-i', inv, '--token', 'itest', '--force'], { timeoutMs: 60_000 });
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /trailer does not match/);

  // cluster A is destroyed (etcd stopped, data gone) ...
  for (const h of ['host1', 'host2', 'host3']) fleet.exec(h, 'systemctl stop etcd; rm -rf /var/lib/etcd/data');
  // ... and cluster B: fresh machines with config and certificates, then the snapshot;
  // host4 also runs a (stand-in) kube-apiserver that must be stopped first and started last
  fleet.exec('host4', "printf '[Unit]\\nDescription=stand-in apiserver\\n[Service]\\nExecStart=/bin/sleep 600\\n[Install]\\nWantedBy=multi-user.target\\n' > /etc/systemd/system/kube-apiserver.service; systemctl daemon-reload >/dev/null 2>&1; systemctl enable kube-apiserver >/dev/null 2>&1; systemctl start kube-apiserver");
  const deployB = await drover(['play', join(ROOT, 'playbooks', 'etcd', 'deploy.yml'), '-i', inv, '-e', 'etcd_group=etcd_b', '-e', `etcd_pki_src=${join(dir, 'pki')}`, '-e', 'cluster_token=itest-b', '--json'], { timeoutMs: 180_000 });
  assert.equal(deployB.code, 0, deployB.stdout.slice(-2000));
  writeFileSync(inv, readFileSync(inv, 'utf8') + '    apiservers:\n      hosts:\n        host4:\n');
  const onto = await drover(['etcd', 'restore', file, '-i', inv, '--group', 'etcd_b', '--apiserver-group', 'apiservers', '--token', 'itest-b', '--force', '--expect-prefix', '/fleet/'], { timeoutMs: 180_000 });
  assert.equal(onto.code, 0, onto.stdout + onto.stderr);
  // the order Kubernetes documents: apiserver stopped before etcd, started after the proof
  const steps = onto.stdout.split('\n');
  const at = (re: RegExp): number => steps.findIndex((l) => re.test(l));
  assert.ok(at(/stopped kube-apiserver on host4/) >= 0 && at(/stopped kube-apiserver/) < at(/stopped etcd/));
  assert.ok(at(/etcd-restore ok/) > at(/started kube-apiserver on host4/) && at(/started kube-apiserver/) > at(/started etcd/));
  assert.match(steps.find((l) => l.startsWith('member host4:'))!, /^member host4: [0-9a-f]+ -> [0-9a-f]+$/);
  assert.equal(fleet.exec('host4', 'systemctl is-active kube-apiserver').stdout.trim(), 'active');
  const again = await drover(['etcd', 'restore', file, '-i', inv, '--group', 'etcd_b', '--token', 'itest-b', '--force', '--expect-prefix', '/fleet/', '--json'], { timeoutMs: 180_000 });
  const onto2 = again;
  assert.equal(onto2.code, 0, onto2.stdout + onto2.stderr);
  const r2 = JSON.parse(onto2.stdout.trim());
  assert.deepEqual(Object.keys(r2.newMembers).sort(), ['host4', 'host5', 'host6']);
  assert.notDeepEqual(Object.values(r2.newMembers).sort(), Object.values(r1.newMembers).sort());
  assert.equal(new Set(Object.values(r2.hashkv)).size, 1);
  assert.ok(r2.revision >= JSON.parse(readFileSync(file.replace(/\.db$/, '.json'), 'utf8')).revision);
  assert.equal(keysOn('host5', fleet.hosts[4]!.ip), before);
});

test('kill -9 at any moment of a backup leaves no partial or unverified snapshot among the kept ones', async () => {
  const store = join(dir, 'killed');
  // cluster A was destroyed by the restore test: back up cluster B
  const args = [join(ROOT, 'bin', 'run.js'), 'etcd', 'backup', '-i', inv, '--group', 'etcd_b', '--dir', store, '--cluster', 'itest', '--keep', '50', '--json'];
  for (const delay of [50, 150, 250, 350, 450, 550, 700]) {
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    // listen from the start: a late kill may find the backup already finished
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    await exited;
  }
  const files = existsSync(store) ? readdirSync(store) : [];
  for (const f of files.filter((x) => x.endsWith('.db'))) {
    const base = f.slice(0, -3);
    assert.ok(files.includes(`${base}.json`) && files.includes(`${f}.sha256`), `${f} has its sidecar and checksum`);
    const data = readFileSync(join(store, f));
    assert.equal(checkSnapshot(data).ok, true, `${f} verifies`);
    assert.equal(readFileSync(join(store, `${f}.sha256`), 'utf8').split(' ')[0], checkSnapshot(data).sha256);
  }
  // anything else is a temp file of an interrupted write, or a lock of a dead process
  for (const f of files.filter((x) => !/\.(db|json|db\.sha256)$/.test(x))) assert.match(f, /\.drover-[0-9a-f]{12}$|^\.drover-etcd-backup\.lock$/, f);
  // the next run takes over a dead run's lock, cleans up and succeeds
  const next = await drover(['etcd', 'backup', '-i', inv, '--group', 'etcd_b', '--dir', store, '--cluster', 'itest', '--keep', '50', '--json'], { timeoutMs: 120_000 });
  assert.equal(next.code, 0, next.stdout + next.stderr);
  // only the lock file stays (a kernel lock: the file itself holds nothing once its process is gone)
  assert.deepEqual(readdirSync(store).filter((x) => /\.drover-/.test(x)), ['.drover-etcd-backup.lock']);
});
