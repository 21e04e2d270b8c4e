// Whether the node's pod network is ready, as a 1.6 kubelet reports it: with
// --network-plugin=cni, not until a network config file is in --cni-conf-dir (CL16: CNI nodes
// stay NotReady until then). Other plugins (or none) are taken as ready; nothing is set up.
import { readdirSync } from 'node:fs';
import type { KubeletConfig } from './config.js';

/** undefined when ready, else the message the Ready condition carries. */
export function networkNotReady(cfg: KubeletConfig): string | undefined {
  if (cfg.minor !== '1.6' || cfg.networkPlugin !== 'cni') return undefined;
  let files: string[] = [];
  try {
    files = readdirSync(cfg.cniConfDir).filter((f) => /\.(conf|conflist|json)$/.test(f));
  } catch {
    /* no directory: no config */
  }
  return files.length ? undefined : 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized';
}
