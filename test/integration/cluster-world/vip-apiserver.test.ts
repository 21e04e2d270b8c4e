// The real kubectl through the API VIP: on a netns fleet cp1..cp3 run a real 3-member TLS etcd
// (real ports 2379/2380), the stand-in 1.6 kube-apiserver on cp1 and cp2 (6443, insecure 8080
// on each host's own loopback) and Debian's keepalived with the fact sheet's check
// (`curl -sf http://127.0.0.1:8080/healthz`). Killing the apiserver that holds the VIP moves
// the VIP to the other one, and kubectl through the VIP keeps reading and writing the same state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildRelease } from '../../kube-release/build.js';
import { makeEtcdPki } from '../../fleet/etcd-pki.js';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { sshFromHub, startKeepalived, vipHolders } from '../../fleet/keepalived.js';
import { makeKubePki, writeKubeconfig } from './apiserver-harness.js';

const SUBNET = 42;
const VIP = `10.${100 + SUBNET}.0.250`;

/** Copy a controller-side file into a host's filesystem (its overlay, seen through /proc/PID/root). */
function put(fleet: Fleet, host: string, src: string, dest: string, mode = 0o644): void {
  const root = `/proc/${fleet.hosts.find((h) => h.name === host)!.initPid}/root`;
  mkdirSync(dirname(join(root, dest)), { recursive: true });
  writeFileSync(join(root, dest), readFileSync(src), { mode });
}

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!probe()) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
  return (Date.now() - t0) / 1000;
}

test('kubectl through the keepalived VIP: the VIP follows a live apiserver, state is shared through etcd', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-vip-apiserver-'));
  const fleet = await startFleet({ hosts: 3, subnet: SUBNET, network: 'netns', name: 'vip-api', hostNames: ['cp1', 'cp2', 'cp3'] });
  try {
    const cps = fleet.hosts.map((h) => ({ name: h.name, ip: h.ip }));
    const release = (await buildRelease({ version: 'v1.6.13', outDir: join(dir, 'release') })).outDir;
    makeEtcdPki(join(dir, 'etcd-pki'), cps);
    makeKubePki(join(dir, 'kube-pki'), [...cps.map((c) => c.ip), VIP, '127.0.0.1']);
    const initial = cps.map((c) => `${c.name}=https://${c.ip}:2380`).join(',');
    for (const c of cps) {
      for (const f of ['ca.crt', `${c.name}.crt`, `${c.name}.key`, 'client.crt', 'client.key']) put(fleet, c.name, join(dir, 'etcd-pki', f), `/etc/etcd/pki/${f}`, 0o600);
      for (const f of ['ca.crt', 'apiserver.crt', 'apiserver.key']) put(fleet, c.name, join(dir, 'kube-pki', f), `/etc/kubernetes/pki/${f}`, 0o600);
      put(fleet, c.name, join(release, 'kube-apiserver'), '/usr/local/bin/kube-apiserver', 0o755);
      const pki = '/etc/etcd/pki';
      const etcd = [
        `etcd --name ${c.name} --data-dir /var/lib/etcd`,
        `--listen-client-urls https://${c.ip}:2379,https://127.0.0.1:2379 --advertise-client-urls https://${c.ip}:2379`,
        `--listen-peer-urls https://${c.ip}:2380 --initial-advertise-peer-urls https://${c.ip}:2380`,
        `--initial-cluster ${initial} --initial-cluster-token vip-itest --initial-cluster-state new`,
        `--cert-file ${pki}/${c.name}.crt --key-file ${pki}/${c.name}.key --trusted-ca-file ${pki}/ca.crt --client-cert-auth`,
        `--peer-cert-file ${pki}/${c.name}.crt --peer-key-file ${pki}/${c.name}.key --peer-trusted-ca-file ${pki}/ca.crt --peer-client-cert-auth`,
      ].join(' ');
      sshFromHub(fleet, c.ip, `(setsid ${etcd} </dev/null >/var/log/etcd.log 2>&1 &)`);
    }
    const etcdctl = ['--endpoints', cps.map((c) => `https://${c.ip}:2379`).join(','), '--cacert', join(dir, 'etcd-pki/ca.crt'), '--cert', join(dir, 'etcd-pki/client.crt'), '--key', join(dir, 'etcd-pki/client.key'), '--dial-timeout=2s'];
    await until('etcd healthy', () => fleet.hubExec('etcdctl', [...etcdctl, 'endpoint', 'health'], { env: { ...process.env, ETCDCTL_API: '3' } }).status === 0, 60_000);

    const apiFlags = (c: { ip: string }): string =>
      [
        'kube-apiserver --bind-address=0.0.0.0 --secure-port=6443 --insecure-bind-address=127.0.0.1 --insecure-port=8080',
        `--advertise-address=${c.ip} --apiserver-count=2 --service-cluster-ip-range=10.0.0.0/24`,
        '--etcd-servers=https://127.0.0.1:2379 --etcd-cafile=/etc/etcd/pki/ca.crt --etcd-certfile=/etc/etcd/pki/client.crt --etcd-keyfile=/etc/etcd/pki/client.key',
        '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt --tls-private-key-file=/etc/kubernetes/pki/apiserver.key --client-ca-file=/etc/kubernetes/pki/ca.crt',
      ].join(' ');
    for (const c of cps.slice(0, 2)) sshFromHub(fleet, c.ip, `(setsid ${apiFlags(c)} </dev/null >/var/log/kube-apiserver.log 2>&1 & echo $! > /run/kube-apiserver.pid)`);
    for (const c of cps.slice(0, 2)) await until(`apiserver on ${c.name}`, () => fleet.exec(c.name, 'curl -sf http://127.0.0.1:8080/healthz').stdout === 'ok', 60_000);

    // cp3 runs no apiserver: its check fails too, so it sits at 100-60 = 40
    startKeepalived(fleet, { hosts: [{ name: 'cp1', priority: 150 }, { name: 'cp2', priority: 120 }, { name: 'cp3', priority: 100 }], vip: VIP, checkScript: '/usr/bin/curl -sf http://127.0.0.1:8080/healthz' });
    await until('cp1 holds the VIP', () => vipHolders(fleet, VIP).join() === 'cp1', 40_000);

    const pki = join(dir, 'kube-pki');
    const kc = writeKubeconfig(join(dir, 'kubeconfig-vip'), `https://${VIP}:6443`, join(pki, 'ca.crt'), { cert: join(pki, 'admin.crt'), key: join(pki, 'admin.key') });
    const kcCp2 = writeKubeconfig(join(dir, 'kubeconfig-cp2'), `https://${cps[1]!.ip}:6443`, join(pki, 'ca.crt'), { cert: join(pki, 'admin.crt'), key: join(pki, 'admin.key') });
    const kubectl = (config: string, ...args: string[]): string => {
      const r = fleet.hubExec('kubectl', ['--kubeconfig', config, '--request-timeout=10s', ...args], { env: { ...process.env, KUBECACHEDIR: join(dir, 'kcache') } });
      assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    // kubectl sends a manifest from a file as JSON (the stand-in decodes no protobuf requests)
    const configMap = (name: string, written: string): string => {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { written } }));
      return path;
    };
    kubectl(kc, 'create', '--validate=false', '-f', configMap('through-vip', 'via-cp1'));
    assert.match(kubectl(kcCp2, 'get', 'configmap', 'through-vip', '-o', 'jsonpath={.data.written}'), /^via-cp1$/, 'cp2 serves what went through the VIP to cp1');

    // the VIP holder's apiserver dies: the check fails, the VIP moves to cp2, kubectl carries on
    const killedAt = Date.now();
    sshFromHub(fleet, cps[0]!.ip, 'kill $(cat /run/kube-apiserver.pid)');
    await until('cp2 holds the VIP', () => vipHolders(fleet, VIP).join() === 'cp2', 40_000);
    t.diagnostic(`VIP moved to cp2 ${((Date.now() - killedAt) / 1000).toFixed(1)} s after cp1's apiserver was killed`);
    assert.equal(kubectl(kc, 'get', 'configmap', 'through-vip', '-o', 'jsonpath={.data.written}'), 'via-cp1');
    kubectl(kc, 'create', '--validate=false', '-f', configMap('after-failover', 'via-cp2'));
    const names = kubectl(kc, 'get', 'configmaps', '-o', 'name');
    assert.match(names, /configmap\/through-vip/);
    assert.match(names, /configmap\/after-failover/);
    assert.match(fleet.exec('cp2', 'cat /var/log/keepalived.log').stdout, /Entering MASTER STATE/);
  } finally {
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
