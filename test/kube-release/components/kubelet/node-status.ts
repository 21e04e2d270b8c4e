// Node registration and NodeStatus: the kubelet creates its Node (labels from --node-labels,
// 1.6 taints from --register-with-taints, nodeInfo.kubeletVersion = its version) and then
// every --node-status-update-frequency (10 s) GETs it and PUTs its status with a Ready
// condition and a fresh heartbeat, as 1.5/1.6 kubelets did (no node leases in that era);
// Ready is False while the pod network is not (network.ts).
import { readFileSync } from 'node:fs';
import { arch, release } from 'node:os';
import { statusOf, type KubeletApi } from './api.js';
import type { KubeletConfig } from './config.js';
import { networkNotReady } from './network.js';

type Obj = Record<string, any>;

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function nodeInfo(cfg: KubeletConfig, dockerVersion: string): Obj {
  let bootID = '';
  let machineID = '';
  try {
    bootID = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    machineID = readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    /* optional */
  }
  return { machineID, systemUUID: machineID, bootID, kernelVersion: release(), osImage: 'Debian GNU/Linux', containerRuntimeVersion: `docker://${dockerVersion}`, kubeletVersion: cfg.version, kubeProxyVersion: cfg.version, operatingSystem: 'linux', architecture: arch() === 'x64' ? 'amd64' : arch() };
}

function conditions(previous: Obj[] | undefined, notReady: string | undefined): Obj[] {
  const t = now();
  const want: [string, string, string, string][] = [
    ['OutOfDisk', 'False', 'KubeletHasSufficientDisk', 'kubelet has sufficient disk space available'],
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    notReady ? ['Ready', 'False', 'KubeletNotReady', notReady] : ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
  ];
  return want.map(([type, status, reason, message]) => {
    const old = (previous ?? []).find((c) => c.type === type);
    return { type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : t };
  });
}

function nodeStatusOf(cfg: KubeletConfig, dockerVersion: string, previous?: Obj): Obj {
  const capacity = { cpu: '2', memory: '4Gi', pods: '110' };
  return {
    ...(previous ?? {}),
    capacity,
    allocatable: capacity,
    conditions: conditions(previous?.conditions, networkNotReady(cfg)),
    addresses: [
      { type: 'InternalIP', address: cfg.nodeIp || '127.0.0.1' },
      { type: 'Hostname', address: cfg.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: cfg.server.port } },
    nodeInfo: nodeInfo(cfg, dockerVersion),
  };
}

/** Create the Node if it does not exist yet (an existing one is kept, as the real kubelet does). */
export async function registerNode(api: KubeletApi, cfg: KubeletConfig, dockerVersion: string): Promise<'created' | 'existed'> {
  const labels = { 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': cfg.nodeName, ...cfg.nodeLabels };
  const spec: Obj = { externalID: cfg.nodeName };
  if (cfg.taints.length) spec.taints = cfg.taints;
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: cfg.nodeName, labels }, spec, status: nodeStatusOf(cfg, dockerVersion) };
  try {
    await api.post('/api/v1/nodes', node);
    return 'created';
  } catch (e) {
    if (statusOf(e) === 409) return 'existed';
    throw e;
  }
}

/** How often one NodeStatus update is tried (GET + PUT) before it waits for the next period (nodeStatusUpdateRetry). */
const STATUS_TRIES = 5;

/** One NodeStatus update: GET the node, PUT its status with a fresh Ready heartbeat; any failure is retried at once, up to 5 tries, as updateNodeStatus does. */
export async function postNodeStatus(api: KubeletApi, cfg: KubeletConfig, dockerVersion: string, onRetry: (e: Error) => void = () => undefined): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      const node = await api.get(`/api/v1/nodes/${cfg.nodeName}`);
      if (!node) throw new Error(`node "${cfg.nodeName}" not found`);
      node.status = nodeStatusOf(cfg, dockerVersion, node.status);
      await api.put(`/api/v1/nodes/${cfg.nodeName}/status`, node);
      return;
    } catch (e) {
      if (i >= STATUS_TRIES) throw new Error(`update node status exceeds retry count (${(e as Error).message})`);
      onRetry(e as Error);
    }
  }
}
