// Every binary of both stand-in releases (v1.5.8, v1.6.13) checks what it is given, as the
// real ones do: `--version`, pflag's refusal of unknown and wrong-version flags (exit 2), and
// start-up failure naming the flag and path of a missing or wrong certificate/kubeconfig.
// Then on a fleet host under systemd: a 1.6-only flag in a 1.5 unit (and the reverse) fails
// the unit with pflag's message in its log, while the same unit with right flags stays up.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildRelease } from '../../kube-release/build.js';
import { COMPONENTS, type Component } from '../../kube-release/flag-tables.js';
import { makeEtcdPki } from '../../fleet/etcd-pki.js';
import { startFleet } from '../../fleet/fleet.js';

const RELEASES = ['v1.5.8', 'v1.6.13'] as const;
const work = mkdtempSync(join(tmpdir(), 'kube-release-flags-'));
const dirOf = (v: string): string => join(work, v);
const pki = join(work, 'pki');
const missing = join(work, 'no-such-dir', 'missing.crt');

function run(version: string, bin: string, args: string[]): { rc: number; stdout: string; stderr: string } {
  // cwd '/': the bundle must not depend on the directory it is started from
  const r = spawnSync(join(dirOf(version), bin), args, { cwd: '/', encoding: 'utf8', timeout: 20_000 });
  return { rc: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The glog error line files.ts writes for a bad file flag. */
function fileFailure(flag: string, path: string, reason: RegExp): RegExp {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^E\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6} +\\d+ files\\.go:\\d+\\] failed to load --${esc(flag)}=${esc(path)}: ${reason.source}`, 'm');
}

before(async () => {
  for (const v of RELEASES) {
    const r = await buildRelease({ version: v, outDir: dirOf(v) });
    assert.deepEqual(r.skipped, [], `every binary of ${v} must build`);
  }
  await buildRelease({ version: 'v1.6.13', outDir: join(work, 'patched'), patchedKubelet: true });
  makeEtcdPki(pki, [{ name: 'apiserver', ip: '127.40.0.1' }]);
  writeFileSync(join(work, 'garbage.kubeconfig'), 'apiVersion: v1\nclusters: [ {\n');
  writeFileSync(
    join(work, 'dangling.kubeconfig'),
    `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\nclusters:\n- name: k\n  cluster: {server: 'https://127.40.0.1:6443', certificate-authority: pki/ca.crt}\nusers:\n- name: u\n  user: {client-certificate: pki/gone.crt, client-key: pki/client.key}\n`,
  );
});

after(() => rmSync(work, { recursive: true, force: true }));

test('the bundle: every binary of a real server tarball, executable, kubectl wrapping the real client', () => {
  for (const v of RELEASES) {
    for (const bin of [...COMPONENTS, 'dockerd', 'kubectl']) assert.ok(existsSync(join(dirOf(v), bin)), `${v}/${bin}`);
    const k = run(v, 'kubectl', ['version', '--client']);
    assert.equal(k.rc, 0, k.stderr);
    assert.match(k.stdout, /Client Version/);
  }
});

test('--version prints `Kubernetes vX.Y.Z` for every binary of both releases (dockerd: Docker\'s own line)', () => {
  for (const v of RELEASES) {
    for (const bin of COMPONENTS) {
      const r = run(v, bin, ['--version']);
      assert.equal(r.rc, 0, `${v} ${bin}: ${r.stderr}`);
      assert.equal(r.stdout, `Kubernetes ${v}\n`, `${v} ${bin}`);
    }
    assert.equal(run(v, 'dockerd', ['--version']).stdout, 'Docker version 1.12.6, build 78d1802\n');
  }
  assert.equal(run('patched', 'kubelet', ['--version']).stdout, 'Kubernetes v1.6.13-jdos.1\n');
  assert.equal(run('patched', 'kube-apiserver', ['--version']).stdout, 'Kubernetes v1.6.13\n');
});

test('an unknown flag: pflag\'s `unknown flag: --foo`, the usage, exit 2 (dockerd: Docker\'s refusal)', () => {
  for (const v of RELEASES) {
    for (const bin of COMPONENTS) {
      const r = run(v, bin, ['--v=2', '--foo=bar']);
      assert.equal(r.rc, 2, `${v} ${bin}`);
      assert.match(r.stderr, new RegExp(`^unknown flag: --foo\\nUsage of ${bin}:\\n`), `${v} ${bin}`);
      assert.equal(r.stdout, '');
    }
    const d = run(v, 'dockerd', ['--foo']);
    assert.equal(d.rc, 125);
    assert.match(d.stderr, /flag provided but not defined: --foo/);
  }
});

// per binary: a missing file its unit names, and a wrong one (the file exists but is not what the flag wants)
const FILE_CASES: Record<Component, { missing: string[]; missingFlag: string; wrong: () => { args: string[]; flag: string; path: string; reason: RegExp } }> = {
  'kube-apiserver': {
    missing: [`--tls-cert-file=${missing}`, `--tls-private-key-file=${join(pki, 'apiserver.key')}`],
    missingFlag: 'tls-cert-file',
    wrong: () => ({ args: [`--tls-cert-file=${join(pki, 'apiserver.crt')}`, `--tls-private-key-file=${join(pki, 'client.key')}`], flag: 'tls-private-key-file', path: join(pki, 'client.key'), reason: /tls: private key does not match public key/ }),
  },
  'kube-controller-manager': {
    missing: [`--kubeconfig=${missing}`],
    missingFlag: 'kubeconfig',
    wrong: () => ({ args: [`--service-account-private-key-file=${join(pki, 'ca.crt')}`], flag: 'service-account-private-key-file', path: join(pki, 'ca.crt'), reason: /tls: failed to find any PEM data in key input/ }),
  },
  'kube-scheduler': {
    missing: [`--kubeconfig=${missing}`],
    missingFlag: 'kubeconfig',
    wrong: () => ({ args: [`--kubeconfig=${join(work, 'dangling.kubeconfig')}`], flag: 'kubeconfig', path: join(work, 'dangling.kubeconfig'), reason: /unable to read client-cert .*gone\.crt .*no such file or directory/ }),
  },
  kubelet: {
    missing: ['--require-kubeconfig', `--kubeconfig=${missing}`],
    missingFlag: 'kubeconfig',
    wrong: () => ({ args: [`--client-ca-file=${join(pki, 'apiserver.key')}`], flag: 'client-ca-file', path: join(pki, 'apiserver.key'), reason: /data does not contain any valid RSA or ECDSA certificates/ }),
  },
  'kube-proxy': {
    missing: [`--kubeconfig=${missing}`],
    missingFlag: 'kubeconfig',
    wrong: () => ({ args: [`--kubeconfig=${join(work, 'garbage.kubeconfig')}`], flag: 'kubeconfig', path: join(work, 'garbage.kubeconfig'), reason: /error loading config file/ }),
  },
};

test('a missing certificate/kubeconfig fails start-up with a log line naming flag and path, exit 1', () => {
  for (const v of RELEASES) {
    for (const bin of COMPONENTS) {
      const c = FILE_CASES[bin];
      const r = run(v, bin, c.missing);
      assert.equal(r.rc, 1, `${v} ${bin}: ${r.stderr}`);
      assert.match(r.stderr, fileFailure(c.missingFlag, missing, /open .*missing\.crt: no such file or directory/), `${v} ${bin}`);
    }
  }
});

test('a wrong file (mismatched key, a cert where a key belongs, a dangling kubeconfig) fails start-up too', () => {
  for (const v of RELEASES) {
    for (const bin of COMPONENTS) {
      const w = FILE_CASES[bin].wrong();
      const r = run(v, bin, w.args);
      assert.equal(r.rc, 1, `${v} ${bin}: ${r.stderr}`);
      assert.match(r.stderr, fileFailure(w.flag, w.path, w.reason), `${v} ${bin}`);
    }
  }
});

test('the kubelet\'s --require-kubeconfig reads the default kubeconfig path when none is given', { skip: existsSync('/var/lib/kubelet/kubeconfig') && 'this machine has a kubelet kubeconfig' }, () => {
  for (const v of RELEASES) {
    const r = run(v, 'kubelet', ['--require-kubeconfig']);
    assert.equal(r.rc, 1);
    assert.match(r.stderr, fileFailure('kubeconfig', '/var/lib/kubelet/kubeconfig', /open .*: no such file or directory/));
  }
});

// [flag, the minor that has it]; each must parse on its own minor and be refused on the other
const VERSIONED: [Component, string, '1.5' | '1.6'][] = [
  ['kubelet', '--enforce-node-allocatable=', '1.6'],
  ['kubelet', '--cgroups-per-qos=false', '1.6'],
  ['kubelet', '--register-with-taints=dedicated=master:NoSchedule', '1.6'],
  ['kubelet', '--enable-cri=false', '1.6'],
  ['kube-apiserver', '--experimental-bootstrap-token-auth', '1.6'],
  ['kube-controller-manager', '--controllers=*,bootstrapsigner', '1.6'],
  ['kubelet', '--experimental-cgroups-per-qos=true', '1.5'],
  ['kubelet', '--config=/etc/kubernetes/manifests', '1.5'],
  ['kubelet', '--reconcile-cidr=false', '1.5'],
];

test('a 1.6-only flag fails on 1.5 and a 1.5-only flag fails on 1.6, with pflag\'s message and exit 2', () => {
  for (const [bin, arg, minor] of VERSIONED) {
    const own = minor === '1.5' ? 'v1.5.8' : 'v1.6.13';
    const other = minor === '1.5' ? 'v1.6.13' : 'v1.5.8';
    const yes = run(own, bin, [arg, '--version']);
    assert.equal(yes.rc, 0, `${own} ${bin} ${arg}: ${yes.stderr}`);
    assert.equal(yes.stdout, `Kubernetes ${own}\n`);
    const no = run(other, bin, [arg, '--version']);
    assert.equal(no.rc, 2, `${other} ${bin} ${arg}`);
    assert.match(no.stderr, new RegExp(`^unknown flag: ${arg.split('=')[0]}\\n`), `${other} ${bin} ${arg}`);
    assert.equal(no.stdout, '', 'the version is not printed when parsing failed');
  }
});

test('deprecated flags warn on stderr and run on; 1.6 keeps --experimental-cri as a hidden alias', () => {
  const r16 = run('v1.6.13', 'kubelet', ['--experimental-cri=false', '--api-servers=https://127.40.0.1:6443', '--version']);
  assert.equal(r16.rc, 0);
  assert.match(r16.stderr, /^Flag --experimental-cri has been deprecated, /m);
  assert.match(r16.stderr, /^Flag --api-servers has been deprecated, Use --kubeconfig instead/m);
  assert.equal(run('v1.6.13', 'kubelet', ['--help']).stderr.includes('--experimental-cri'), false, 'hidden from usage');
  const r15 = run('v1.5.8', 'kubelet', ['--experimental-cri=false', '--api-servers=https://127.40.0.1:6443', '--version']);
  assert.equal(r15.rc, 0);
  assert.equal(r15.stderr, '', '1.5 deprecates neither');
});

test('the builder refuses a patched kubelet for 1.5 and versions it does not model', async () => {
  await assert.rejects(buildRelease({ version: 'v1.5.8', outDir: join(work, 'x'), patchedKubelet: true }), /1\.6 kubelet/);
  await assert.rejects(buildRelease({ version: 'v1.7.0', outDir: join(work, 'y') }), /models v1\.5\.x and v1\.6\.x/);
});

// the daemonless systemctl on the fleet hosts: a unit's log is /var/log/journal/<unit>.log
function unitScript(name: string, execStart: string): string {
  const unit = `[Unit]\\nDescription=${name} (stand-in release)\\n[Service]\\nExecStart=${execStart}\\n[Install]\\nWantedBy=multi-user.target\\n`;
  return `printf '${unit}' > /etc/systemd/system/${name}.service; systemctl daemon-reload >/dev/null 2>&1; systemctl enable ${name} >/dev/null 2>&1; systemctl start ${name}; echo "start-rc=$?"`;
}

test('on a fleet host, a wrong-version flag fails the systemd unit with pflag\'s message; right flags keep it active', async () => {
  const fleet = await startFleet({ hosts: 1, subnet: 40, name: 'kube-flags' });
  try {
    const host = fleet.hosts[0]!;
    // install the bundles into the host's own root, as a deploy would
    const root = `/proc/${host.initPid}/root`;
    fleet.exec('host1', 'mkdir -p /opt/k8s-1.5/bin /opt/k8s-1.6/bin');
    for (const [v, d] of [['v1.5.8', '/opt/k8s-1.5/bin'], ['v1.6.13', '/opt/k8s-1.6/bin']] as const) for (const bin of ['kubelet', 'kube-proxy']) copyFileSync(join(dirOf(v), bin), `${root}${d}/${bin}`);
    fleet.exec('host1', 'chmod 755 /opt/k8s-1.5/bin/* /opt/k8s-1.6/bin/*');

    const cases = [
      { unit: 'kubelet15', exec: '/opt/k8s-1.5/bin/kubelet --kubeconfig=/etc/kubernetes/kubelet.conf --require-kubeconfig --enforce-node-allocatable= --cgroups-per-qos=false', message: 'unknown flag: --enforce-node-allocatable' },
      { unit: 'kubelet16', exec: '/opt/k8s-1.6/bin/kubelet --kubeconfig=/etc/kubernetes/kubelet.conf --require-kubeconfig --experimental-cgroups-per-qos=true', message: 'unknown flag: --experimental-cgroups-per-qos' },
    ];
    for (const c of cases) {
      // `systemctl start` itself may return 0 here: the daemonless systemctl looks at the main
      // process only briefly, and a loaded machine starts node slower than that; the state below is what counts
      fleet.exec('host1', unitScript(c.unit, c.exec));
      // the same command line run by hand on the host: pflag's exit code
      assert.equal(fleet.exec('host1', `${c.exec} 2>/dev/null`).rc, 2);
    }
    // control: the same binaries with flags of their own version stay up
    const proxyArgs = `--master=http://${host.ip}:1 --hostname-override=host1 --healthz-bind-address=${host.ip}`;
    assert.match(fleet.exec('host1', unitScript('proxy15', `/opt/k8s-1.5/bin/kube-proxy ${proxyArgs} --healthz-port=20249`)).stdout, /start-rc=0/);
    assert.match(fleet.exec('host1', unitScript('proxy16', `/opt/k8s-1.6/bin/kube-proxy ${proxyArgs} --healthz-port=20250`)).stdout, /start-rc=0/);
    const logOf = (unit: string): string => fleet.exec('host1', `cat /var/log/journal/${unit}.service.log 2>/dev/null`).stdout;
    for (let waited = 0; waited < 20_000 && !cases.every((c) => logOf(c.unit).includes(c.message)); waited += 200) await sleep(200);
    await sleep(1000); // let the proxies' units settle too
    for (const c of cases) {
      const state = fleet.exec('host1', `systemctl is-active ${c.unit}`);
      assert.equal(state.stdout.trim(), 'failed', `${c.unit} must not be running`);
      assert.equal(state.rc, 3);
      const logText = logOf(c.unit);
      assert.match(logText, new RegExp(`^${c.message}$`, 'm'), `${c.unit} log: ${logText.slice(0, 300)}`);
      // `[/]` so pgrep does not find the shell running this very command line
      assert.equal(fleet.exec('host1', `pgrep -f '[/]opt/k8s-1.${c.unit === 'kubelet15' ? 5 : 6}/bin/kubelet'`).rc, 1, 'no kubelet process left');
    }
    for (const [unit, port] of [['proxy15', 20249], ['proxy16', 20250]] as const) {
      assert.equal(fleet.exec('host1', `systemctl is-active ${unit}`).stdout.trim(), 'active', `${unit} with its own version's flags runs`);
      const h = fleet.exec('host1', `curl -s http://${host.ip}:${port}/healthz`);
      assert.equal(h.stdout, 'ok', `${unit} serves /healthz`);
      fleet.exec('host1', `systemctl stop ${unit}`);
    }
  } finally {
    await fleet.stop();
  }
});
