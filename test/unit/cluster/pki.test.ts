import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensurePki } from '../../../src/cluster/pki/ensure-pki.js';
import { clusterCertSpecs, firstServiceIp, type PkiInput } from '../../../src/cluster/pki/cert-specs.js';
import { sansOf } from '../../../src/cluster/pki/inspect-cert.js';

const input = (over: Partial<PkiInput> = {}): PkiInput => ({
  clusterName: 'jdos',
  controlPlane: [
    { name: 'cp1', ip: '10.1.0.11' },
    { name: 'cp2', ip: '10.1.0.12' },
    { name: 'cp3', ip: '10.1.0.13' },
  ],
  nodes: [
    { name: 'Node1', ip: '10.1.0.21' },
    { name: 'node2', ip: '10.1.0.22' },
  ],
  etcd: [
    { name: 'cp1', ip: '10.1.0.11' },
    { name: 'cp2', ip: '10.1.0.12' },
    { name: 'cp3', ip: '10.1.0.13' },
  ],
  apiserverVip: '10.1.0.250',
  serviceCidr: '10.96.0.0/12',
  clusterDomain: 'cluster.local',
  ...over,
});

const files = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile()).sort();
const cert = (dir: string, f: string): X509Certificate => new X509Certificate(readFileSync(join(dir, f)));

test('the first service IP is the first address of the range, whatever the host bits given', () => {
  assert.equal(firstServiceIp('10.96.0.0/12'), '10.96.0.1');
  assert.equal(firstServiceIp('10.254.7.9/16'), '10.254.0.1');
  assert.throws(() => firstServiceIp('10.0.0.0'), /not an IPv4 CIDR/);
  assert.throws(() => firstServiceIp('300.0.0.0/24'), /not a usable/);
});

test('a fresh PKI: every certificate verifies against its CA, with the identities and names RBAC and clients need', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pki-'));
  const res = await ensurePki(dir, input());
  assert.ok(res.changed.length > 20);
  assert.equal(res.kept.length, 0);
  for (const f of files(dir)) {
    const mode = statSync(join(dir, f)).mode & 0o777;
    if (f.endsWith('.key') || f.endsWith('.conf')) assert.equal(mode, 0o600, `${f} is private`);
  }
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  for (const s of clusterCertSpecs(input())) {
    const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, `${s.signer}.crt`), join(dir, `${s.file}.crt`)], { encoding: 'utf8' });
    assert.match(out, /: OK/);
  }
  const api = sansOf(cert(dir, 'apiserver.crt'));
  for (const ip of ['10.1.0.11', '10.1.0.12', '10.1.0.13', '10.1.0.250', '10.96.0.1', '127.0.0.1']) assert.ok(api.ips.has(ip), ip);
  for (const d of ['cp1', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']) assert.ok(api.dns.has(d), d);
  // etcd has its own CA, in the layout playbooks/etcd/deploy.yml takes (etcd_pki_src = DIR/etcd)
  assert.ok(sansOf(cert(dir, 'etcd/cp2.crt')).ips.has('10.1.0.12'));
  assert.throws(() => execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'etcd/client.crt')], { stdio: 'pipe' }));
  assert.equal(statSync(join(dir, 'etcd/cp2.key')).mode & 0o777, 0o600);
  assert.equal(cert(dir, 'node-Node1.crt').subject, 'O=system:nodes\nCN=system:node:node1');
  assert.equal(cert(dir, 'admin.crt').subject, 'O=system:masters\nCN=kubernetes-admin');
  assert.equal(cert(dir, 'kube-scheduler.crt').subject, 'CN=system:kube-scheduler');
  // front-proxy-client hangs on its own CA, not the cluster's
  assert.throws(() => execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'front-proxy-client.crt')], { stdio: 'pipe' }));
  const kc = parse(readFileSync(join(dir, 'kubelet-node2.conf'), 'utf8'));
  assert.equal(kc.clusters[0].cluster.server, 'https://10.1.0.250:6443');
  assert.equal(kc.users[0].name, 'system:node:node2');
  assert.equal(Buffer.from(kc.users[0].user['client-certificate-data'], 'base64').toString(), readFileSync(join(dir, 'node-node2.crt'), 'utf8'));
  assert.doesNotMatch(JSON.stringify(res), /PRIVATE KEY/, 'no key material in the result');
});

test('the certificates work for mutual TLS: a client with the admin certificate reaches a server with the apiserver one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pki-'));
  await ensurePki(dir, input());
  const r = (f: string): Buffer => readFileSync(join(dir, f));
  const server = createServer({ key: r('apiserver.key'), cert: r('apiserver.crt'), ca: r('ca.crt'), requestCert: true, rejectUnauthorized: true }, (s) => {
    s.end(`hello ${s.getPeerCertificate().subject.CN}`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  try {
    const got = await new Promise<string>((ok, fail) => {
      let data = '';
      const c = connect({ host: '127.0.0.1', port, servername: 'kubernetes.default.svc', key: r('admin.key'), cert: r('admin.crt'), ca: r('ca.crt') }, () => undefined);
      c.on('data', (d) => (data += d));
      c.on('end', () => ok(data));
      c.on('error', fail);
    });
    assert.equal(got, 'hello kubernetes-admin');
  } finally {
    server.close();
  }
});

test('a rerun keeps everything; a new VIP re-issues only the apiserver certificate and the kubeconfigs that point at it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pki-'));
  await ensurePki(dir, input());
  const before = Object.fromEntries(files(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const again = await ensurePki(dir, input());
  assert.deepEqual(again.changed, []);
  assert.deepEqual(Object.fromEntries(files(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')])), before);

  const moved = await ensurePki(dir, input({ apiserverVip: '10.1.0.251' }));
  const changedFiles = moved.changed.map((c) => c.file).sort();
  assert.ok(changedFiles.includes('apiserver.crt') && changedFiles.includes('apiserver.key'));
  assert.match(moved.changed.find((c) => c.file === 'apiserver.crt')!.reason, /lacks SAN IP:10\.1\.0\.251/);
  assert.ok(!changedFiles.some((f) => f.startsWith('node-') || f.startsWith('ca.') || f === 'admin.crt'), changedFiles.join());
  assert.ok(changedFiles.includes('admin.conf'), 'kubeconfigs follow the VIP');
});

test('a certificate that expires within cert_renew_days is re-issued and says so; a CA near expiry is only warned about', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pki-'));
  await ensurePki(dir, input(), { validityDays: 10, caValidityDays: 20 });
  const res = await ensurePki(dir, input(), { renewDays: 30 });
  const admin = res.changed.find((c) => c.file === 'admin.crt');
  assert.match(admin!.reason, /within cert_renew_days \(30\)/);
  assert.ok(new Date(cert(dir, 'admin.crt').validTo).getTime() > Date.now() + 300 * 86_400_000);
  assert.ok(res.warnings.some((w) => /ca\.crt expires/.test(w)));
  assert.ok(res.kept.includes('ca.crt'));
});

test('check mode reports what it would issue and writes nothing; a broken CA stops the run before anything is written', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'pki-')), 'pki');
  const res = await ensurePki(dir, input(), { check: true });
  assert.ok(res.changed.some((c) => c.file === 'apiserver.crt'));
  assert.equal(existsSync(dir), false);

  const broken = mkdtempSync(join(tmpdir(), 'pki-'));
  writeFileSync(join(broken, 'ca.crt'), 'not a certificate');
  writeFileSync(join(broken, 'ca.key'), 'not a key');
  await assert.rejects(ensurePki(broken, input()), /ca\.crt: it does not parse; fix or remove the CA files by hand/);
  assert.deepEqual(files(broken), ['ca.crt', 'ca.key']);
});
