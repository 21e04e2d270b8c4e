// A real keepalived (Debian's) moves the API VIP between three hosts of a netns fleet with
// unicast VRRP: the highest priority holds it, a failing health check on the holder hands it to
// the next host within keepalived's bound (interval×fall + a few advert_int), and the holder
// takes it back (preemption) once its check passes again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { sshFromHub, startKeepalived, vipHolders } from '../../fleet/keepalived.js';

const SUBNET = 42;
const VIP = `10.${100 + SUBNET}.0.250`;
// interval 2 × fall 2, up to one interval of phase, 3 advert_int for the new master to take over
const BOUND_S = 2 * 2 + 2 + 3 * 1;

// stands in for the apiserver's local health endpoint; `/` answers with the host's name
const HEALTHZ_PY = `import http.server, socket
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'ok' if self.path == '/healthz' else socket.gethostname().encode()
        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('0.0.0.0', 8080), H).serve_forever()
`;
const START_HEALTHZ =
  '(setsid python3 /usr/local/lib/healthz.py </dev/null >/dev/null 2>&1 & echo $! > /run/healthz.pid) && for k in $(seq 100); do curl -sf http://127.0.0.1:8080/healthz >/dev/null && break; sleep 0.1; done';

const holders = (fleet: Fleet): string[] => vipHolders(fleet, VIP);

/** Wait until exactly `name` (comma-joined names) holds the VIP (for `stableS` s in a row); returns when it first did. */
async function waitForHolder(fleet: Fleet, name: string, limitS: number, stableS = 0): Promise<number> {
  const t0 = Date.now();
  let since = 0;
  while (Date.now() - t0 < limitS * 1000) {
    if (holders(fleet).join() === name) {
      since ||= Date.now();
      if (Date.now() - since >= stableS * 1000) return since;
    } else since = 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${name} did not become the only VIP holder within ${limitS} s (holders: ${holders(fleet).join() || 'none'})`);
}

function viaVip(fleet: Fleet): string {
  const r = fleet.hubExec('sh', ['-c', `for k in $(seq 30); do curl -sf --max-time 1 http://${VIP}:8080/ && exit 0; sleep 0.2; done; exit 1`]);
  return r.stdout.trim();
}

/** Three hosts cp1..cp3 (priorities 150/120/100), each with the health server, then keepalived. */
async function vipFleet(preempt: boolean, weight: number): Promise<Fleet> {
  const fleet = await startFleet({ hosts: 3, subnet: SUBNET, network: 'netns', name: 'vip', hostNames: ['cp1', 'cp2', 'cp3'] });
  try {
    for (const h of fleet.hosts) sshFromHub(fleet, h.ip, `mkdir -p /usr/local/lib && echo ${Buffer.from(HEALTHZ_PY).toString('base64')} | base64 -d > /usr/local/lib/healthz.py && ${START_HEALTHZ}`);
    startKeepalived(fleet, { hosts: [{ name: 'cp1', priority: 150 }, { name: 'cp2', priority: 120 }, { name: 'cp3', priority: 100 }], vip: VIP, checkScript: '/usr/bin/curl -sf http://127.0.0.1:8080/healthz', preempt, weight });
    await waitForHolder(fleet, 'cp1', 40, 3);
    return fleet;
  } catch (e) {
    await fleet.stop();
    throw e;
  }
}

/** Kill cp1's health server and wait for cp2 to hold the VIP; returns the seconds it took. */
async function failCp1(fleet: Fleet): Promise<number> {
  const failAt = Date.now();
  sshFromHub(fleet, fleet.hosts[0]!.ip, 'kill $(cat /run/healthz.pid)');
  return ((await waitForHolder(fleet, 'cp2', 4 * BOUND_S)) - failAt) / 1000;
}

test('keepalived: VIP on the highest priority, moves when its health check fails, comes back on recovery', async (t) => {
  const fleet = await vipFleet(true, -60);
  try {
    assert.equal(viaVip(fleet), 'cp1', 'the hub reaches the VIP holder');
    // the holder's apiserver stand-in dies: its check fails, priority 150-60=90 < 120
    const moved = await failCp1(fleet);
    t.diagnostic(`VIP moved cp1 -> cp2 ${moved.toFixed(1)} s after its health check started failing (keepalived bound ~${BOUND_S} s)`);
    assert.ok(moved < 2 * BOUND_S, `failover took ${moved} s, bound ${BOUND_S} s`);
    assert.equal(viaVip(fleet), 'cp2');
    assert.match(fleet.exec('cp1', 'cat /var/log/keepalived.log').stdout, /VRRP_Script\(chk_api\) failed/);
    assert.match(fleet.exec('cp2', 'cat /var/log/keepalived.log').stdout, /Entering MASTER STATE/);

    // recovery: the check passes again (rise 2) and cp1, back at 150, preempts
    const recoverAt = Date.now();
    sshFromHub(fleet, fleet.hosts[0]!.ip, START_HEALTHZ);
    const back = ((await waitForHolder(fleet, 'cp1', 4 * BOUND_S)) - recoverAt) / 1000;
    t.diagnostic(`VIP back on cp1 ${back.toFixed(1)} s after its health check recovered (rise 2 × interval 2 + preemption)`);
    assert.equal(viaVip(fleet), 'cp1');
  } finally {
    await fleet.stop();
  }
});

// nopreempt also stops a backup from taking over a master whose priority merely dropped, so
// with nopreempt the check needs weight 0: a failing check puts the holder in FAULT.
test('keepalived nopreempt + weight 0: a failing cp1 goes FAULT, a recovered cp1 leaves the VIP on cp2; a holder killed -9 is taken over but keeps a stale VIP', async (t) => {
  const fleet = await vipFleet(false, 0);
  try {
    await failCp1(fleet);
    assert.match(fleet.exec('cp1', 'cat /var/log/keepalived.log').stdout, /Entering FAULT STATE/);
    sshFromHub(fleet, fleet.hosts[0]!.ip, START_HEALTHZ);
    // well past rise 2 × interval 2 + a few adverts: with nopreempt cp1 stays backup
    await new Promise((r) => setTimeout(r, 3 * BOUND_S * 1000));
    assert.deepEqual(holders(fleet), ['cp2']);
    assert.match(fleet.exec('cp1', 'cat /var/log/keepalived.log').stdout, /VRRP_Script\(chk_api\) succeeded/);
    assert.equal(viaVip(fleet), 'cp2');
    // the holder's keepalived dies without a word (kill -9): after ~3 advert_int of silence cp1
    // (150) takes over, while the dead daemon's address stays on cp2's eth0: two holders
    const killAt = Date.now();
    // every keepalived process frozen first: killed in turn, the VRRP child could see its parent
    // die (or the parent its child) and shut down cleanly, removing the address
    sshFromHub(fleet, fleet.hosts[1]!.ip, 'p=$(pgrep -x keepalived); kill -STOP $p; kill -9 $p');
    const took = ((await waitForHolder(fleet, 'cp1,cp2', 4 * BOUND_S)) - killAt) / 1000;
    t.diagnostic(`cp1 took the VIP ${took.toFixed(1)} s after cp2's keepalived was killed -9 (3 advert_int + skew); cp2 keeps a stale copy`);
    assert.ok(took < BOUND_S, `takeover after silence took ${took} s`);
    assert.match(fleet.exec('cp1', 'cat /var/log/keepalived.log').stdout, /Receive advertisement timeout/);
  } finally {
    await fleet.stop();
  }
});
