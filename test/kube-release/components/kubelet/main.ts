// kubelet stand-in (1.5 / 1.6 / patched 1.6): checks its docker and API configuration as the
// real one does at start-up, registers its Node and posts NodeStatus every 10 s, runs the
// pods bound to it through dockerd (pod-sync.ts) and serves healthz/10250/10255. SIGTERM
// stops the kubelet only: the containers are dockerd's and keep running.
import { existsSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ParsedFlags } from '../../runtime/flags.js';
import { newLog } from '../../runtime/log.js';
import { apiFromKubeconfig, type KubeletApi } from './api.js';
import { kubeletConfig, type KubeletConfig } from './config.js';
import { DockerClient } from './docker-client.js';
import { postNodeStatus, registerNode } from './node-status.js';
import { PodSyncer } from './pod-sync.js';
import { startServers } from './servers.js';

const log = newLog('server.go');

/** The kubelet's `error: ...` exit (app.Run failed), as cmd/kubelet's main prints it. */
function runFailed(msg: string): never {
  log.error(msg);
  process.stderr.write(`error: failed to run Kubelet: ${msg}\n`);
  process.exit(1);
}

/** The API client per --require-kubeconfig/--kubeconfig/--api-servers, or undefined (standalone). */
function apiClient(cfg: KubeletConfig): KubeletApi | undefined {
  if (cfg.requireKubeconfig) {
    if (!existsSync(cfg.kubeconfig)) runFailed(`invalid kubeconfig: stat ${cfg.kubeconfig}: no such file or directory`);
    try {
      return apiFromKubeconfig(cfg.kubeconfig);
    } catch (e) {
      runFailed(`invalid kubeconfig: ${(e as Error).message} (--kubeconfig=${cfg.kubeconfig})`);
    }
  }
  if (cfg.apiServers.length) {
    if (cfg.apiServers.length > 1) log.warning(`Multiple api servers specified.  Picking first one: ${cfg.apiServers[0]}`);
    try {
      return existsSync(cfg.kubeconfig) ? apiFromKubeconfig(cfg.kubeconfig, cfg.apiServers[0]) : runFailed(`--api-servers given but no credentials in --kubeconfig=${cfg.kubeconfig}`);
    } catch (e) {
      runFailed(`invalid kubeconfig: ${(e as Error).message} (--kubeconfig=${cfg.kubeconfig})`);
    }
  }
  log.warning('No api server defined - no events will be sent to API server.');
  return undefined;
}

async function nodeIpOf(cfg: KubeletConfig): Promise<string> {
  if (cfg.nodeIp) return cfg.nodeIp;
  try {
    return (await lookup(cfg.nodeName, 4)).address;
  } catch {
    return '127.0.0.1';
  }
}

/** Run the kubelet until SIGTERM/SIGINT. */
export async function main(flags: ParsedFlags, ctx: { version: string; patched: boolean }): Promise<void> {
  let cfg: KubeletConfig;
  try {
    cfg = kubeletConfig(flags, ctx);
  } catch (e) {
    runFailed((e as Error).message);
  }
  // 1.6 validation: node allocatable is enforced on the QoS hierarchy's top cgroup, so it needs it
  if (flags.has('enforce-node-allocatable') && !cfg.cgroups.perQos && flags.list('enforce-node-allocatable').length > 0) runFailed('Node Allocatable enforcement is not supported unless Cgroups Per QOS feature is turned on');
  log.info(`Kubelet ${cfg.version}${cfg.patched ? ' (patched: adopts legacy containers)' : ''}: node ${cfg.nodeName}, ${cfg.cri ? 'CRI (dockershim)' : 'docker-tools'} runtime, cgroups-per-qos=${cfg.cgroups.perQos}, cgroup-root=${JSON.stringify(cfg.cgroups.root)}, cgroup-driver=${cfg.cgroups.driver}`);
  const docker = new DockerClient(cfg.dockerEndpoint);
  let dockerVersion = '';
  try {
    const info = await docker.info();
    dockerVersion = String(info.ServerVersion ?? '');
    if (cfg.cri && cfg.minor === '1.6' && info.CgroupDriver !== cfg.cgroups.driver) runFailed(`failed to create kubelet: misconfiguration: kubelet cgroup driver: "${cfg.cgroups.driver}" is different from docker cgroup driver: "${info.CgroupDriver}"`);
  } catch (e) {
    runFailed(`failed to create kubelet: Cannot connect to the Docker daemon at ${cfg.dockerEndpoint}. Is the docker daemon running? (${(e as Error).message})`);
  }
  cfg.nodeIp = await nodeIpOf(cfg);
  const api = apiClient(cfg);
  const syncer = api ? new PodSyncer(api, docker, cfg, newLog('kubelet.go')) : undefined;
  let servers: Server[] = [];
  try {
    servers = await startServers(cfg, () => syncer?.lastPods ?? []);
  } catch (e) {
    runFailed(`${(e as Error).message}`);
  }
  log.info(`Started kubelet ${cfg.version}; healthz on ${cfg.healthz.host}:${cfg.healthz.port}, server on ${cfg.server.host}:${cfg.server.port}`);

  let stopping = false;
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      stopping = true;
      for (const s of servers) s.close();
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });

  if (api) {
    void (async () => {
      const nlog = newLog('kubelet_node_status.go');
      // --register-node=false: the Node is someone else's to create; its status is still posted
      for (let delay = 100; cfg.registerNode && !stopping; delay = Math.min(delay * 2, 7000)) {
        try {
          const r = await registerNode(api, cfg, dockerVersion);
          nlog.info(r === 'created' ? `Successfully registered node ${cfg.nodeName}` : `Node ${cfg.nodeName} was previously registered`);
          break;
        } catch (e) {
          nlog.error(`Unable to register node "${cfg.nodeName}" with API server: ${(e as Error).message}`);
          await sleep(delay);
        }
      }
      while (!stopping) {
        try {
          await postNodeStatus(api, cfg, dockerVersion, (e) => nlog.error(`Error updating node status, will retry: ${e.message}`));
        } catch (e) {
          nlog.error(`Unable to update node status: ${(e as Error).message}`);
        }
        await sleep(cfg.statusEveryMs);
      }
    })();
  }
  if (syncer) {
    void (async () => {
      const plog = newLog('kubelet.go');
      while (!stopping) {
        try {
          await syncer.syncOnce();
          if (plog.v(4)) plog.info('SyncLoop (PLEG): relist done, every pod bound here synced');
        } catch (e) {
          plog.error(`Skipping pod synchronization: ${(e as Error).message}`);
        }
        await sleep(1000);
      }
    })();
  }
  await stopped;
  log.info('kubelet stopped; containers left running under dockerd');
  process.exit(0);
}
