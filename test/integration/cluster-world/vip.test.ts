// A real keepalived (Debian's) moves the API VIP between three hosts of a netns fleet with
// unicast VRRP: the highest priority holds it, a failing health check on the holder hands it to
// the next host within keepalived's bound (interval×fall + a few advert_int), and the holder
// takes it back (preemption) once its check passes again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { keepalivedConf } from '../../fleet/keepalived-conf.js';

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

function ssh(fleet: Fleet, ip: string, cmd: string): string {
  const r = fleet.hubExec('ssh', ['-F', fleet.sshConfigPath, '-o', 'ConnectTimeout=5', ip, cmd]);
  assert.equal(r.status, 0, `${ip}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

function holders(fleet: Fleet): string[] {
  return fleet.hosts.filter((h) => fleet.exec(h.name, 'ip -4 -o addr show dev eth0').stdout.includes(` ${VIP}/`)).map((h) => h.name);
}

/** Wait until `name` alone holds the VIP (for `stableS` seconds in a row); returns when it first did. */
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

test('keepalived: VIP on the highest priority, moves when its health check fails, comes back on recovery', async (t) => {
  const fleet = await startFleet({ hosts: 3, subnet: SUBNET, network: 'netns', name: 'vip', hostNames: ['cp1', 'cp2', 'cp3'] });
  try {
    const nodes = fleet.hosts.map((h, k) => ({ name: h.name, ip: h.ip, priority: [150, 120, 100][k]! }));
    for (const n of nodes) {
      const conf = keepalivedConf({ self: n, nodes, vip: VIP, prefix: 16, checkScript: '/usr/bin/curl -sf http://127.0.0.1:8080/healthz' });
      const b64 = (s: string): string => Buffer.from(s).toString('base64');
      ssh(
        fleet,
        n.ip,
        `mkdir -p /usr/local/lib /etc/keepalived && echo ${b64(HEALTHZ_PY)} | base64 -d > /usr/local/lib/healthz.py && echo ${b64(conf)} | base64 -d > /etc/keepalived/keepalived.conf && ` +
          `${START_HEALTHZ} && (setsid keepalived -n -l -D -f /etc/keepalived/keepalived.conf </dev/null >/var/log/keepalived.log 2>&1 &)`,
      );
    }
    await waitForHolder(fleet, 'cp1', 40, 3);
    assert.equal(viaVip(fleet), 'cp1', 'the hub reaches the VIP holder');

    // the holder's apiserver stand-in dies: its check fails, priority 150-60=90 < 120
    const failAt = Date.now();
    ssh(fleet, nodes[0]!.ip, 'kill $(cat /run/healthz.pid)');
    const moved = ((await waitForHolder(fleet, 'cp2', 4 * BOUND_S)) - failAt) / 1000;
    t.diagnostic(`VIP moved cp1 -> cp2 ${moved.toFixed(1)} s after its health check started failing (keepalived bound ~${BOUND_S} s)`);
    assert.ok(moved < 2 * BOUND_S, `failover took ${moved} s, bound ${BOUND_S} s`);
    assert.equal(viaVip(fleet), 'cp2');
    assert.match(fleet.exec('cp1', 'cat /var/log/keepalived.log').stdout, /VRRP_Script\(chk_api\) failed/);
    assert.match(fleet.exec('cp2', 'cat /var/log/keepalived.log').stdout, /Entering MASTER STATE/);

    // recovery: the check passes again (rise 2) and cp1, back at 150, preempts (no nopreempt)
    const recoverAt = Date.now();
    ssh(fleet, nodes[0]!.ip, START_HEALTHZ);
    const back = ((await waitForHolder(fleet, 'cp1', 4 * BOUND_S)) - recoverAt) / 1000;
    t.diagnostic(`VIP back on cp1 ${back.toFixed(1)} s after its health check recovered (rise 2 × interval 2 + preemption)`);
    assert.equal(viaVip(fleet), 'cp1');
  } finally {
    await fleet.stop();
  }
});
