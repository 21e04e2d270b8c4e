// The host variables the kubernetes connection reads, declared once (name, type, default,
// meaning): the README's table repeats this list.
import { CLI_VAR } from '../cli-defaults.js';
import { firstSet, type HostSetting } from '../host-settings.js';
import type { HostVars } from '../types.js';

export type KubernetesSetting = HostSetting;

/** Every host variable the pod-exec connection honours, in lookup order per setting. */
export const KUBERNETES_SETTINGS: Record<string, KubernetesSetting> = {
  kubeconfig: { names: ['drover_k8s_kubeconfig', 'ansible_kubectl_kubeconfig'], type: 'str', description: 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' },
  context: { names: ['drover_k8s_context', 'ansible_kubectl_context'], type: 'str', description: "context in the kubeconfig (default: its current-context)" },
  namespace: { names: ['drover_k8s_namespace', 'ansible_kubectl_namespace'], type: 'str', description: "the pod's namespace (default: from a `namespace/pod` inventory name, else the context's, else `default`)" },
  pod: { names: ['drover_k8s_pod', 'ansible_kubectl_pod'], type: 'str', description: 'pod name (default: the inventory name; `namespace/pod` is split)' },
  container: { names: ['drover_k8s_container', 'ansible_kubectl_container'], type: 'str', description: "container in the pod (default: the pod's only or default container)" },
  connectTimeout: { names: ['drover_k8s_connect_timeout', 'ansible_timeout'], type: 'int', default: 10, description: 'seconds to wait for the exec stream to open' },
  execTimeout: { names: ['drover_k8s_exec_timeout'], type: 'int', default: 0, description: 'seconds a command may run when the task sets no timeout (0: no limit)' },
  retries: { names: ['drover_k8s_retries'], type: 'int', default: 2, description: 'retries, with backoff, when the API server refuses or is briefly unavailable (not for 4xx)' },
};

/** The settings of one host, read and checked. */
export interface KubernetesOptions {
  kubeconfig?: string;
  context?: string;
  /** Unset: the context's namespace, known only once the kubeconfig is read. */
  namespace?: string;
  pod: string;
  container?: string;
  connectTimeoutMs: number;
  /** 0: no limit. */
  execTimeoutMs: number;
  retries: number;
}

// DNS-1123 subdomain (pods) and label (namespaces); client-node puts both into the URL unescaped
const POD_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function seconds(setting: string, value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${KUBERNETES_SETTINGS[setting]!.names[0]} must be a number of seconds >= 0, got '${String(value)}'`);
  return n;
}

/** Split `namespace/pod` (an inventory name or a pod setting) into its parts. */
export function splitPodRef(ref: string): { namespace?: string; pod: string } {
  const slash = ref.indexOf('/');
  return slash < 0 ? { pod: ref } : { namespace: ref.slice(0, slash), pod: ref.slice(slash + 1) };
}

/** Read the settings for one host from its variables; throws an Error quoting a bad value. */
export function kubernetesOptions(inventoryName: string, vars: HostVars): KubernetesOptions {
  // the host's own variables first, then the command line / config file (-T), then the default
  const get = (k: string): unknown => {
    const cli = k === 'connectTimeout' ? CLI_VAR.connectTimeout : undefined;
    return firstSet(vars, KUBERNETES_SETTINGS[k]!.names) ?? (cli ? firstSet(vars, [cli]) : undefined) ?? KUBERNETES_SETTINGS[k]!.default;
  };
  const str = (k: string): string | undefined => (get(k) === undefined ? undefined : String(get(k)));
  const ref = splitPodRef(str('pod') ?? inventoryName);
  const namespace = str('namespace') ?? ref.namespace;
  if (!POD_NAME.test(ref.pod)) throw new Error(`'${ref.pod}' is not a valid pod name (lowercase letters, digits, '-' and '.'); set drover_k8s_pod`);
  if (namespace !== undefined && !NAMESPACE_NAME.test(namespace)) throw new Error(`'${namespace}' is not a valid namespace name; set drover_k8s_namespace`);
  const retries = Number(get('retries'));
  if (!Number.isInteger(retries) || retries < 0) throw new Error(`drover_k8s_retries must be a whole number >= 0, got '${String(get('retries'))}'`);
  return {
    kubeconfig: str('kubeconfig'),
    context: str('context'),
    namespace,
    pod: ref.pod,
    container: str('container'),
    connectTimeoutMs: seconds('connectTimeout', get('connectTimeout')) * 1000,
    execTimeoutMs: seconds('execTimeout', get('execTimeout')) * 1000,
    retries,
  };
}
