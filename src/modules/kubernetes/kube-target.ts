// Which cluster a kubernetes module talks to, and the shared client for it. The client (and
// @kubernetes/client-node behind it) is imported on first use: the module registry is loaded
// by every command and must not pay for the Kubernetes library.
import type { ConfigurationOptions } from '@kubernetes/client-node';
import { KUBERNETES_SETTINGS } from '../../connections/kubernetes/settings.js';
import { firstSet, type HostSetting } from '../../connections/host-settings.js';
import type { KubeClient } from '../../kubernetes/client.js';
import { ArgError } from '../args.js';
import type { ArgSpec, ModuleContext } from '../types.js';

/** The connection arguments every kubernetes module accepts (kubernetes.core's names). */
export const KUBE_ARGS: Record<string, ArgSpec> = {
  kubeconfig: { type: 'path' },
  context: { type: 'str' },
};

/** A client plus the few client-node helpers modules need, all loaded together. */
export interface Kube {
  client: KubeClient;
  /** Request options that make a PATCH a JSON merge patch (RFC 7386). */
  mergePatch: ConfigurationOptions;
  /** HTTP status of a failed call, if it was an API answer. */
  status(err: unknown): number | undefined;
  /** An API failure as one line of text. */
  message(err: unknown): string;
}

/** kubeconfig and context for a task: its args, then the host's connection settings (drover_k8s_*, ansible_kubectl_*); unset means the environment's. */
export function kubeTargetFor(ctx: Pick<ModuleContext, 'args' | 'vars'>): { kubeconfig?: string; context?: string } {
  const pick = (arg: string, setting: HostSetting): string | undefined => {
    const v = firstSet(ctx.args, [arg]) ?? firstSet(ctx.vars, setting.names);
    return v === undefined ? undefined : String(v);
  };
  return {
    kubeconfig: pick('kubeconfig', KUBERNETES_SETTINGS.kubeconfig!),
    context: pick('context', KUBERNETES_SETTINGS.context!),
  };
}

/** The shared API client for this task's cluster (loads client-node on first call). */
export async function kubeFor(ctx: Pick<ModuleContext, 'args' | 'vars'>): Promise<Kube> {
  const [lib, shared] = await Promise.all([import('@kubernetes/client-node'), import('../../kubernetes/client.js')]);
  let client: KubeClient;
  try {
    client = shared.kubeClient(kubeTargetFor(ctx));
  } catch (err) {
    // a message naming the argument to fix, not a stack trace
    if (err instanceof shared.KubeconfigError) throw new ArgError(`${err.setting}: ${err.message}`, err.setting);
    throw err;
  }
  return {
    client,
    mergePatch: lib.setHeaderOptions('Content-Type', lib.PatchStrategy.MergePatch),
    status: shared.apiStatus,
    message: (err) => shared.apiErrorMessage(err, client),
  };
}
