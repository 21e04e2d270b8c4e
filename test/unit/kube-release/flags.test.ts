// pflag semantics of the stand-in release's flag parser, against the real 1.5/1.6 tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, parseGoDuration, type ParsedFlags } from '../../kube-release/runtime/flags.js';
import { flagTable, minorOf } from '../../kube-release/flag-tables.js';

function ok(component: Parameters<typeof flagTable>[0], minor: '1.5' | '1.6', argv: string[]): { flags: ParsedFlags; warnings: string[]; version: string } {
  const r = parseFlags(component, argv, flagTable(component, minor));
  if (!r.ok) assert.fail(`expected success, got: ${r.error}`);
  return r;
}

function err(component: Parameters<typeof flagTable>[0], minor: '1.5' | '1.6', argv: string[]): string {
  const r = parseFlags(component, argv, flagTable(component, minor));
  assert.equal(r.ok, false, `expected ${argv.join(' ')} to be refused`);
  return (r as { error: string }).error;
}

test('values: --x=v, --x v, bools bare and =false, shorthand -v=3 / -v 3, _ normalised, defaults', () => {
  const { flags } = ok('kubelet', '1.6', ['--hostname-override=node1', '--port', '10260', '--register-node=false', '--require-kubeconfig', '-v', '3', '--node_labels=a=b,c=d', 'extra']);
  assert.equal(flags.string('hostname-override'), 'node1');
  assert.equal(flags.int('port'), 10260);
  assert.equal(flags.bool('register-node'), false);
  assert.equal(flags.bool('require-kubeconfig'), true);
  assert.equal(flags.int('v'), 3);
  assert.deepEqual(flags.map('node-labels'), { a: 'b', c: 'd' });
  assert.deepEqual(flags.args, ['extra']);
  assert.equal(flags.isSet('port'), true);
  assert.equal(flags.isSet('read-only-port'), false);
  assert.equal(flags.int('read-only-port'), 10255);
  assert.equal(flags.durationMs('node-status-update-frequency'), 10_000);
  assert.equal(flags.bool('cgroups-per-qos'), true);
  assert.deepEqual(flags.list('enforce-node-allocatable'), ['pods']);
  assert.equal(ok('kube-apiserver', '1.5', ['-v=4']).flags.int('v'), 4);
});

test('a bool does not take the next argument: `--x false` leaves false positional (pflag)', () => {
  const { flags } = ok('kubelet', '1.5', ['--register-node', 'false']);
  assert.equal(flags.bool('register-node'), true);
  assert.deepEqual(flags.args, ['false']);
});

test('stringSlice: a given value replaces the default, repeats append; empty value clears', () => {
  assert.deepEqual(ok('kubelet', '1.6', ['--enforce-node-allocatable=']).flags.list('enforce-node-allocatable'), []);
  const { flags } = ok('kube-apiserver', '1.6', ['--etcd-servers=https://a:2379,https://b:2379', '--etcd-servers', 'https://c:2379']);
  assert.deepEqual(flags.list('etcd-servers'), ['https://a:2379', 'https://b:2379', 'https://c:2379']);
});

test('unknown flags, missing values and bad values get pflag messages', () => {
  assert.equal(err('kubelet', '1.6', ['--foo']), 'unknown flag: --foo');
  assert.equal(err('kubelet', '1.6', ['--foo=1']), 'unknown flag: --foo');
  assert.equal(err('kube-proxy', '1.5', ['-x']), "unknown shorthand flag: 'x' in -x");
  assert.equal(err('kube-scheduler', '1.6', ['--kubeconfig']), 'flag needs an argument: --kubeconfig');
  assert.equal(err('kube-scheduler', '1.6', ['--port=abc']), 'invalid argument "abc" for "--port" flag: strconv.ParseInt: parsing "abc": invalid syntax');
  assert.equal(err('kubelet', '1.6', ['--register-node=yes']), 'invalid argument "yes" for "--register-node" flag: strconv.ParseBool: parsing "yes": invalid syntax');
  assert.match(err('kube-apiserver', '1.6', ['--bind-address=1.2.3']), /failed to parse IP/);
  assert.match(err('kube-controller-manager', '1.6', ['--pod-eviction-timeout=5 minutes']), /time: invalid duration/);
  assert.equal(err('kubelet', '1.5', ['--node-labels=a']), 'invalid argument "a" for "--node-labels" flag: malformed pair, expect string=string');
  assert.equal(err('kubelet', '1.5', ['---x']), 'bad flag syntax: ---x');
  const help = parseFlags('kubelet', ['--help'], flagTable('kubelet', '1.5'));
  assert.equal(help.ok === false && help.help, true);
});

test('version-specific flags: 1.6-only refused by 1.5 and 1.5-only refused by 1.6', () => {
  assert.equal(err('kubelet', '1.5', ['--enforce-node-allocatable=']), 'unknown flag: --enforce-node-allocatable');
  assert.equal(err('kubelet', '1.5', ['--cgroups-per-qos=false']), 'unknown flag: --cgroups-per-qos');
  assert.equal(err('kubelet', '1.5', ['--register-with-taints=a=b:NoSchedule']), 'unknown flag: --register-with-taints');
  assert.equal(err('kubelet', '1.6', ['--experimental-cgroups-per-qos=true']), 'unknown flag: --experimental-cgroups-per-qos');
  assert.equal(err('kubelet', '1.6', ['--config=/etc/kubernetes/manifests']), 'unknown flag: --config');
  assert.equal(err('kube-apiserver', '1.5', ['--experimental-bootstrap-token-auth']), 'unknown flag: --experimental-bootstrap-token-auth');
  assert.equal(err('kube-controller-manager', '1.5', ['--controllers=*']), 'unknown flag: --controllers');
  ok('kube-apiserver', '1.6', ['--experimental-bootstrap-token-auth']);
  ok('kubelet', '1.5', ['--experimental-cgroups-per-qos=true']);
});

test('deprecations warn and run on; 1.6 --experimental-cri is a hidden alias of --enable-cri', () => {
  const a = ok('kubelet', '1.6', ['--experimental-cri=false']);
  assert.equal(a.flags.bool('enable-cri'), false);
  assert.equal(a.flags.isSet('enable-cri'), true);
  assert.deepEqual(a.warnings, ['Flag --experimental-cri has been deprecated, use --enable-cri instead.']);
  const b = ok('kubelet', '1.6', ['--enable-cri=false', '--api-servers=https://10.0.0.1:6443']);
  assert.equal(b.warnings.length, 2);
  assert.match(b.warnings[0]!, /^Flag --enable-cri has been deprecated, /);
  assert.match(b.warnings[1]!, /^Flag --api-servers has been deprecated, Use --kubeconfig instead/);
  const c = ok('kubelet', '1.5', ['--experimental-cri=false', '--api-servers=https://10.0.0.1:6443']);
  assert.deepEqual(c.warnings, []);
  assert.equal(c.flags.bool('experimental-cri'), false);
});

test('defaults that changed between 1.5 and 1.6', () => {
  const d15 = ok('kube-apiserver', '1.5', []).flags;
  const d16 = ok('kube-apiserver', '1.6', []).flags;
  assert.equal(d15.bool('anonymous-auth'), false);
  assert.equal(d16.bool('anonymous-auth'), true);
  assert.equal(d15.string('storage-media-type'), 'application/json');
  assert.equal(d16.string('storage-media-type'), 'application/vnd.kubernetes.protobuf');
  assert.equal(d16.int('secure-port'), 6443);
  assert.equal(d16.int('insecure-port'), 8080);
  const cm = ok('kube-controller-manager', '1.5', []).flags;
  assert.equal(cm.durationMs('node-monitor-grace-period'), 40_000);
  assert.equal(cm.durationMs('pod-eviction-timeout'), 300_000);
  assert.equal(cm.durationMs('leader-elect-lease-duration'), 15_000);
  assert.equal(ok('kube-scheduler', '1.6', []).flags.int('port'), 10251);
  assert.equal(ok('kube-proxy', '1.6', []).flags.int('healthz-port'), 10249);
  assert.equal(ok('kubelet', '1.5', []).flags.bool('experimental-cri'), false);
  assert.equal(ok('kubelet', '1.6', []).flags.bool('enable-cri'), true);
});

test('--version: bare, =true, =raw; =false runs on; still parsed after other flags', () => {
  assert.equal(ok('kube-proxy', '1.6', ['--version']).version, 'true');
  assert.equal(ok('kube-proxy', '1.6', ['--kubeconfig=/x', '--version=raw']).version, 'raw');
  assert.equal(ok('kube-proxy', '1.6', ['--version=false']).version, 'false');
  assert.equal(err('kube-proxy', '1.6', ['--version', '--foo']), 'unknown flag: --foo');
});

test('Go durations and minor versions', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('5m0s'), 300_000);
  assert.equal(parseGoDuration('250ms'), 250);
  assert.equal(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('10'), /time: invalid duration 10/);
  assert.equal(minorOf('v1.5.8'), '1.5');
  assert.equal(minorOf('v1.6.13'), '1.6');
  assert.throws(() => minorOf('v1.7.0'), /models v1.5.x and v1.6.x/);
});

test('asking for a flag the version does not have is a programming error', () => {
  const { flags } = ok('kubelet', '1.5', []);
  assert.equal(flags.has('enforce-node-allocatable'), false);
  assert.throws(() => flags.list('enforce-node-allocatable'), /no flag --enforce-node-allocatable/);
  assert.throws(() => flags.int('hostname-override'), /string flag/);
});
