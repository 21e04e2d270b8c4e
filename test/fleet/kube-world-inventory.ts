// The kubespray-style inventory of the kube world: groups etcd, kube_control_plane, kube_node and
// k8s_cluster, the API VIP, the release the runbooks deploy, and the fleet's ssh settings.
import { dirname } from 'node:path';
import type { Fleet } from './fleet.js';

export interface WorldLayout {
  controlPlane: string[];
  nodes: string[];
  vip: string;
  vipPrefix: number;
  kubeVersion: string;
  /** version -> bundle directory on the controller (what Drover copies to the hosts) */
  releases: Record<string, string>;
}

/** INI inventory text (Ansible and Drover both read it). */
export function kubesprayInventory(fleet: Fleet, w: WorldLayout): string {
  const ipOf = (n: string): string => fleet.hosts.find((h) => h.name === n)!.ip;
  const group = (name: string, hosts: string[]): string => `[${name}]\n${hosts.join('\n')}\n`;
  const ssh = `-o UserKnownHostsFile=${fleet.knownHostsPath} -o StrictHostKeyChecking=yes`;
  return [
    `[all]\n${fleet.hosts.map((h) => `${h.name} ansible_host=${h.ip} ip=${h.ip}`).join('\n')}\n`,
    group('etcd', w.controlPlane),
    group('kube_control_plane', w.controlPlane),
    group('kube_node', w.nodes),
    '[k8s_cluster:children]\nkube_control_plane\nkube_node\n',
    [
      '[all:vars]',
      'ansible_user=root',
      `ansible_ssh_private_key_file=${fleet.keyPath}`,
      `ansible_ssh_common_args='${ssh}'`,
      `drover_ssh_known_hosts=${fleet.knownHostsPath}`,
      'ansible_python_interpreter=/usr/bin/python3',
      `apiserver_vip=${w.vip}`,
      `apiserver_vip_prefix=${w.vipPrefix}`,
      `loadbalancer_apiserver={"address": "${w.vip}", "port": 6443}`,
      `etcd_endpoints=${w.controlPlane.map((n) => `https://${ipOf(n)}:2379`).join(',')}`,
      `kube_version=${w.kubeVersion}`,
      // the deploy reads binaries from kube_release_dir/<kube_version>/; the patched 1.6 kubelet's release has its own root
      `kube_release_dir=${dirname(w.releases[w.kubeVersion] ?? '')}`,
      ...Object.entries(w.releases).filter(([v]) => v.endsWith('-patched')).map(([, dir]) => `kube_release_dir_patched=${dirname(dir)}`),
      '',
    ].join('\n'),
  ].join('\n');
}
