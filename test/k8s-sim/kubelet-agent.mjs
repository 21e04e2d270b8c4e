#!/usr/bin/env node
// A stand-in kubelet for the test hosts: registers its Node with the simulator, then every
// interval renews its Lease in kube-node-lease and posts Ready status, as a kubelet does. When
// it stops (systemctl stop kubelet), the simulator's node controller sees the lease expire and
// marks the node NotReady. Plain Node builtins: it runs inside a test host as a unit.
//   node kubelet-agent.mjs --server URL --token-file F --ca F --node NAME [--interval SECONDS]
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { setTimeout } from 'node:timers';

const { values: o } = parseArgs({ options: { server: { type: 'string' }, 'token-file': { type: 'string' }, ca: { type: 'string' }, node: { type: 'string' }, interval: { type: 'string', default: '1' }, version: { type: 'string', default: 'v1.32.0' } } });
if (!o.server || !o['token-file'] || !o.ca) {
  console.error('usage: kubelet-agent.mjs --server URL --token-file FILE --ca FILE [--node NAME] [--interval S]');
  process.exit(2);
}
const node = o.node ?? hostname();
const token = readFileSync(o['token-file'], 'utf8').trim();
const ca = readFileSync(o.ca);
const micro = () => new Date().toISOString().replace('Z', '000Z');
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function api(method, path, body, contentType = 'application/json') {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${o.server}${path}`, { method, ca, headers: { Authorization: `Bearer ${token}`, ...(text ? { 'Content-Type': contentType } : {}) } }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(text);
  });
}

async function register() {
  const res = await api('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node, labels: { 'kubernetes.io/hostname': node, 'kubernetes.io/os': 'linux' } }, status: { nodeInfo: { kubeletVersion: o.version, osImage: 'Debian', architecture: 'amd64', operatingSystem: 'linux', containerRuntimeVersion: 'sim://1', kernelVersion: '' } } });
  if (res.status !== 201 && res.status !== 409) throw new Error(`register node ${node}: HTTP ${res.status} ${res.body}`);
  const lease = await api('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: node, namespace: 'kube-node-lease' }, spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime: micro() } });
  if (lease.status !== 201 && lease.status !== 409) throw new Error(`create lease ${node}: HTTP ${lease.status} ${lease.body}`);
}

async function heartbeat() {
  await api('PATCH', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`, { spec: { renewTime: micro(), holderIdentity: node } }, 'application/merge-patch+json');
  const t = now();
  await api('PATCH', `/api/v1/nodes/${node}/status`, { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t }], nodeInfo: { kubeletVersion: o.version } } }, 'application/merge-patch+json');
}

for (;;) {
  try {
    await register();
    break;
  } catch (e) {
    console.error(String(e.message ?? e));
    await new Promise((r) => setTimeout(r, 1000));
  }
}
console.log(`kubelet-agent: node ${node} registered with ${o.server}`);
process.on('SIGTERM', () => process.exit(0));
for (;;) {
  try {
    await heartbeat();
  } catch (e) {
    console.error(`heartbeat: ${e.message ?? e}`);
  }
  await new Promise((r) => setTimeout(r, Number(o.interval) * 1000));
}
