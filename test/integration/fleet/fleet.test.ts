// The fixture itself: real sshd per host, isolated filesystems and hostnames, a working
// daemonless systemctl, killable sshd, and a teardown that leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { startFleet } from '../../fleet/fleet.js';

function ssh(fleet: { keyPath: string; knownHostsPath: string }, ip: string, cmd: string): { rc: number; out: string } {
  const r = spawnSync('ssh', ['-i', fleet.keyPath, '-o', `UserKnownHostsFile=${fleet.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=3', `root@${ip}`, cmd], { encoding: 'utf8' });
  return { rc: r.status ?? 255, out: r.stdout.trim() };
}

test('five hosts: own hostname, own files, working systemctl, killable sshd, clean teardown', async () => {
  const fleet = await startFleet({ hosts: 5, name: 'fixture', subnet: 7 });
  const root = fleet.root;
  const pidNss = fleet.hosts.map((h) => h.pidNs);
  try {
    for (const h of fleet.hosts) assert.deepEqual(ssh(fleet, h.ip, 'hostname'), { rc: 0, out: h.name });
    ssh(fleet, fleet.hosts[0]!.ip, 'echo mine > /etc/drover-fixture');
    assert.equal(ssh(fleet, fleet.hosts[0]!.ip, 'cat /etc/drover-fixture').out, 'mine');
    assert.equal(ssh(fleet, fleet.hosts[1]!.ip, 'test -e /etc/drover-fixture; echo $?').out, '1');
    assert.equal(existsSync('/etc/drover-fixture'), false, 'the real machine is untouched');
    assert.equal(ssh(fleet, fleet.hosts[2]!.ip, 'ps -e | wc -l').out.length > 0, true);
    const unit = '[Unit]\nDescription=test sleeper\n[Service]\nExecStart=/bin/sleep 300\n[Install]\nWantedBy=multi-user.target\n';
    const r = ssh(fleet, fleet.hosts[2]!.ip, `printf '${unit.replace(/\n/g, '\\n')}' > /etc/systemd/system/sleeper.service && systemctl daemon-reload >/dev/null 2>&1; systemctl enable sleeper >/dev/null 2>&1; systemctl start sleeper && systemctl is-active sleeper`);
    assert.equal(r.out.split('\n').pop(), 'active');
    fleet.killSshd('host4');
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(ssh(fleet, fleet.hosts[3]!.ip, 'true').rc, 255, 'killed sshd refuses connections');
  } finally {
    await fleet.stop();
  }
  assert.equal(existsSync(root), false);
  const left = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      return pidNss.includes(execFileSync('readlink', [`/proc/${d}/ns/pid`], { encoding: 'utf8' }).trim());
    } catch {
      return false;
    }
  });
  assert.deepEqual(left, []);
  assert.equal(readFileSync('/proc/self/mounts', 'utf8').includes(root), false);
});
