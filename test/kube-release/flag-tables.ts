// The flags each stand-in binary accepts, per Kubernetes minor (1.5, 1.6): the ones real
// deployments pass (kubeadm/kubespray units, the fact sheet ../shared/kubernetes-1.5-1.6.md §1-2),
// with their defaults, deprecations and hidden aliases. A flag not in a version's table is
// refused with pflag's `unknown flag`, which is how a 1.6-only flag fails a 1.5 unit.
import type { FileKind, FlagSpec, FlagType } from './runtime/flags.js';

/** The Kubernetes binaries of a release bundle that parse pflag tables (dockerd parses Docker's own command line; kubectl is a wrapper). */
export type Component = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubelet' | 'kube-proxy';

/** Kubernetes minors the stand-in release models. */
export type Minor = '1.5' | '1.6';

/** Every component, in the order a bundle lists them. */
export const COMPONENTS: readonly Component[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy'];

type Extra = Partial<Pick<FlagSpec, 'shorthand' | 'deprecated' | 'hidden' | 'aliasOf' | 'file' | 'keyFlag'>>;

function f(name: string, type: FlagType, def: string, usage: string, extra: Extra = {}): FlagSpec {
  return { name, type, default: def, usage, ...extra };
}
const file = (name: string, kind: FileKind, usage: string, extra: Extra = {}): FlagSpec => f(name, 'string', '', usage, { file: kind, ...extra });

/** glog's flags plus verflag's --version: every Kubernetes binary registers them. */
const COMMON: FlagSpec[] = [
  f('v', 'int', '0', 'log level for V logs', { shorthand: 'v' }),
  f('logtostderr', 'bool', 'true', 'log to standard error instead of files'),
  f('alsologtostderr', 'bool', 'false', 'log to standard error as well as files'),
  f('log-dir', 'string', '', 'If non-empty, write log files in this directory'),
  f('stderrthreshold', 'int', '2', 'logs at or above this threshold go to stderr'),
  f('vmodule', 'string', '', 'comma-separated list of pattern=N settings for file-filtered logging'),
  f('log-backtrace-at', 'string', ':0', 'when logging hits line file:N, emit a stack trace'),
  f('log-flush-frequency', 'duration', '5s', 'Maximum number of seconds between log flushes'),
  f('version', 'version', 'false', 'Print version information and quit'),
  f('feature-gates', 'string', '', 'A set of key=value pairs that describe feature gates for alpha/experimental features'),
];

const CLIENT: FlagSpec[] = [
  f('master', 'string', '', 'The address of the Kubernetes API server (overrides any value in kubeconfig)'),
  file('kubeconfig', 'kubeconfig', 'Path to kubeconfig file with authorization and master location information.'),
  f('kube-api-content-type', 'string', 'application/vnd.kubernetes.protobuf', 'Content type of requests sent to apiserver.'),
];

const LEADER: FlagSpec[] = [
  f('leader-elect', 'bool', 'true', 'Start a leader election client and gain leadership before executing the main loop.'),
  f('leader-elect-lease-duration', 'duration', '15s', 'The duration that non-leader candidates will wait after observing a leadership renewal'),
  f('leader-elect-renew-deadline', 'duration', '10s', 'The interval between attempts by the acting master to renew a leadership slot'),
  f('leader-elect-retry-period', 'duration', '2s', 'The duration the clients should wait between attempting acquisition and renewal of a leadership.'),
];

const CLOUD: FlagSpec[] = [f('cloud-provider', 'string', '', 'The provider for cloud services.  Empty string for no provider.'), file('cloud-config', 'file', 'The path to the cloud provider configuration file.')];

function apiserver(minor: Minor): FlagSpec[] {
  const v16 = minor === '1.6';
  return [
    ...COMMON,
    ...CLOUD,
    f('advertise-address', 'ip', '', 'The IP address on which to advertise the apiserver to members of the cluster.'),
    f('allow-privileged', 'bool', 'false', 'If true, allow privileged containers.'),
    f('anonymous-auth', 'bool', v16 ? 'true' : 'false', 'Enables anonymous requests to the secure port of the API server.'),
    f('apiserver-count', 'int', '1', 'The number of apiservers running in the cluster.'),
    f('admission-control', 'string', 'AlwaysAdmit', 'Ordered list of plug-ins to do admission control of resources into cluster.'),
    file('admission-control-config-file', 'file', 'File with admission control configuration.'),
    f('authorization-mode', 'string', 'AlwaysAllow', 'Ordered list of plug-ins to do authorization on secure port.'),
    file('authorization-policy-file', 'file', 'File with authorization policy in csv format, used with --authorization-mode=ABAC.'),
    f('authorization-rbac-super-user', 'string', '', 'If specified, a username which avoids RBAC authorization checks.'),
    file('basic-auth-file', 'file', 'If set, the file that will be used to admit requests to the secure port via http basic authentication.'),
    file('token-auth-file', 'file', 'If set, the file that will be used to secure the secure port of the API server via token authentication.'),
    f('bind-address', 'ip', '0.0.0.0', 'The IP address on which to listen for the --secure-port port.'),
    f('secure-port', 'int', '6443', 'The port on which to serve HTTPS with authentication and authorization.'),
    f('insecure-bind-address', 'ip', '127.0.0.1', 'The IP address on which to serve the --insecure-port.'),
    f('insecure-port', 'int', '8080', 'The port on which to serve unsecured, unauthenticated access.'),
    f('cert-dir', 'string', '/var/run/kubernetes', 'The directory where the TLS certs are located.'),
    file('tls-cert-file', 'cert', 'File containing the default x509 Certificate for HTTPS.', { keyFlag: 'tls-private-key-file' }),
    file('tls-private-key-file', 'key', 'File containing the default x509 private key matching --tls-cert-file.'),
    file('client-ca-file', 'ca', 'If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated.'),
    f('etcd-servers', 'stringSlice', '', 'List of etcd servers to connect with (scheme://ip:port), comma separated.'),
    file('etcd-cafile', 'ca', 'SSL Certificate Authority file used to secure etcd communication.'),
    file('etcd-certfile', 'cert', 'SSL certification file used to secure etcd communication.', { keyFlag: 'etcd-keyfile' }),
    file('etcd-keyfile', 'key', 'SSL key file used to secure etcd communication.'),
    f('etcd-prefix', 'string', '/registry', 'The prefix for all resource paths in etcd.'),
    f('etcd-quorum-read', 'bool', 'false', 'If true, enable quorum read.'),
    f('storage-backend', 'string', '', "The storage backend for persistence. Options: 'etcd3', 'etcd2' (unset: etcd2 in 1.5, etcd3 in 1.6)."),
    f('storage-media-type', 'string', v16 ? 'application/vnd.kubernetes.protobuf' : 'application/json', 'The media type to use to store objects in storage.'),
    file('service-account-key-file', 'pubkey', 'File containing PEM-encoded x509 RSA or ECDSA private or public keys, used to verify ServiceAccount tokens.'),
    f('service-account-lookup', 'bool', 'false', 'If true, validate ServiceAccount tokens exist in etcd as part of authentication.'),
    f('service-cluster-ip-range', 'cidr', '10.0.0.0/24', 'A CIDR notation IP range from which to assign service cluster IPs.'),
    f('service-node-port-range', 'string', '30000-32767', 'A port range to reserve for services with NodePort visibility.'),
    file('kubelet-client-certificate', 'cert', 'Path to a client cert file for TLS.', { keyFlag: 'kubelet-client-key' }),
    file('kubelet-client-key', 'key', 'Path to a client key file for TLS.'),
    file('kubelet-certificate-authority', 'ca', 'Path to a cert file for the certificate authority.'),
    f('kubelet-https', 'bool', 'true', 'Use https for kubelet connections.'),
    f('runtime-config', 'map', '', 'A set of key=value pairs that describe runtime configuration that may be passed to apiserver.'),
    f('enable-swagger-ui', 'bool', 'false', 'Enables swagger ui on the apiserver at /swagger-ui'),
    f('event-ttl', 'duration', '1h0m0s', 'Amount of time to retain events.'),
    f('min-request-timeout', 'int', '1800', 'The minimum number of seconds a handler must keep a request open before timing it out.'),
    f('max-requests-inflight', 'int', '400', 'The maximum number of requests in flight at a given time.'),
    f('audit-log-path', 'string', '', 'If set, all requests coming to the apiserver will be logged to this file.'),
    f('audit-log-maxage', 'int', '0', 'The maximum number of days to retain old audit log files.'),
    f('audit-log-maxbackup', 'int', '0', 'The maximum number of old audit log files to retain.'),
    f('audit-log-maxsize', 'int', '0', 'The maximum size in megabytes of the audit log file before it gets rotated.'),
    f('profiling', 'bool', 'true', 'Enable profiling via web interface host:port/debug/pprof/'),
    ...(v16 ? [f('experimental-bootstrap-token-auth', 'bool', 'false', 'Enable to allow secrets of type bootstrap.kubernetes.io/token in the kube-system namespace to be used for TLS bootstrapping authentication.')] : []),
  ];
}

function controllerManager(minor: Minor): FlagSpec[] {
  return [
    ...COMMON,
    ...CLIENT,
    ...LEADER,
    ...CLOUD,
    f('port', 'int', '10252', 'The port that the controller-manager\'s http service runs on'),
    f('address', 'ip', '0.0.0.0', 'The IP address to serve on (set to 0.0.0.0 for all interfaces)'),
    file('service-account-private-key-file', 'key', 'Filename containing a PEM-encoded private RSA or ECDSA key used to sign service account tokens.'),
    file('root-ca-file', 'ca', 'If set, this root certificate authority will be included in service account\'s token secret.'),
    f('cluster-cidr', 'string', '', 'CIDR Range for Pods in cluster.'),
    f('cluster-name', 'string', 'kubernetes', 'The instance prefix for the cluster'),
    f('service-cluster-ip-range', 'string', '', 'CIDR Range for Services in cluster.'),
    f('allocate-node-cidrs', 'bool', 'false', 'Should CIDRs for Pods be allocated and set on the cloud provider.'),
    f('configure-cloud-routes', 'bool', 'true', 'Should CIDRs allocated by allocate-node-cidrs be configured on the cloud provider.'),
    f('use-service-account-credentials', 'bool', 'false', 'If true, use individual service account credentials for each controller.'),
    f('cluster-signing-cert-file', 'string', '/etc/kubernetes/ca/ca.pem', 'Filename containing a PEM-encoded X509 CA certificate used to issue cluster-scoped certificates', { file: 'cert', keyFlag: 'cluster-signing-key-file' }),
    f('cluster-signing-key-file', 'string', '/etc/kubernetes/ca/ca.key', 'Filename containing a PEM-encoded RSA or ECDSA private key used to sign cluster-scoped certificates', { file: 'key' }),
    f('node-monitor-grace-period', 'duration', '40s', 'Amount of time which we allow running Node to be unresponsive before marking it unhealthy.'),
    f('node-monitor-period', 'duration', '5s', 'The period for syncing NodeStatus in NodeController.'),
    f('node-startup-grace-period', 'duration', '1m0s', 'Amount of time which we allow starting Node to be unresponsive before marking it unhealthy.'),
    f('pod-eviction-timeout', 'duration', '5m0s', 'The grace period for deleting pods on failed nodes.'),
    f('node-eviction-rate', 'float', '0.1', 'Number of nodes per second on which pods are deleted in case of node failure when a zone is healthy'),
    f('secondary-node-eviction-rate', 'float', '0.01', 'Number of nodes per second on which pods are deleted in case of node failure when a zone is unhealthy'),
    f('unhealthy-zone-threshold', 'float', '0.55', 'Fraction of Nodes in a zone which needs to be not Ready for a zone to be treated as unhealthy.'),
    f('large-cluster-size-threshold', 'int', '50', 'Number of nodes from which NodeController treats the cluster as large for the eviction logic purposes.'),
    f('kube-api-qps', 'float', '20', 'QPS to use while talking with kubernetes apiserver'),
    f('kube-api-burst', 'int', '30', 'Burst to use while talking with kubernetes apiserver'),
    f('terminated-pod-gc-threshold', 'int', '12500', 'Number of terminated pods that can exist before the terminated pod garbage collector starts deleting terminated pods.'),
    f('profiling', 'bool', 'true', 'Enable profiling via web interface host:port/debug/pprof/'),
    ...(minor === '1.6' ? [f('controllers', 'stringSlice', '*', 'A list of controllers to enable.  \'*\' enables all on-by-default controllers.')] : []),
  ];
}

function scheduler(_minor: Minor): FlagSpec[] {
  return [
    ...COMMON,
    ...CLIENT,
    ...LEADER,
    f('port', 'int', '10251', 'The port that the scheduler\'s http service runs on'),
    f('address', 'ip', '0.0.0.0', 'The IP address to serve on (set to 0.0.0.0 for all interfaces)'),
    f('algorithm-provider', 'string', 'DefaultProvider', 'The scheduling algorithm provider to use'),
    file('policy-config-file', 'file', 'File with scheduler policy configuration'),
    f('scheduler-name', 'string', 'default-scheduler', 'Name of the scheduler, used to select which pods will be processed by this scheduler'),
    f('kube-api-qps', 'float', '50', 'QPS to use while talking with kubernetes apiserver'),
    f('kube-api-burst', 'int', '100', 'Burst to use while talking with kubernetes apiserver'),
    f('hard-pod-affinity-symmetric-weight', 'int', '1', 'RequiredDuringScheduling affinity is not symmetric, but there is an implicit PreferredDuringScheduling affinity rule'),
    f('failure-domains', 'string', 'kubernetes.io/hostname,failure-domain.beta.kubernetes.io/zone,failure-domain.beta.kubernetes.io/region', 'Indicate the "all topologies" set for an empty topologyKey'),
    f('profiling', 'bool', 'true', 'Enable profiling via web interface host:port/debug/pprof/'),
  ];
}

function kubelet(minor: Minor): FlagSpec[] {
  const v16 = minor === '1.6';
  const only15: FlagSpec[] = [
    f('experimental-cri', 'bool', 'false', '[Experimental] Enable the Container Runtime Interface (CRI) integration.'),
    f('experimental-cgroups-per-qos', 'bool', 'false', 'Enable creation of QoS cgroup hierarchy, if true top level QoS and pod cgroups are created.'),
    f('config', 'string', '', 'Path to the config file or directory of files', { deprecated: 'Use --pod-manifest-path instead. Will be removed in a future version.', aliasOf: 'pod-manifest-path' }),
    f('auth-path', 'string', '', 'Path to .kubernetes_auth file, specifying how to authenticate to API server.', { deprecated: 'will be removed in a future version' }),
    f('resource-container', 'string', '/kubelet', 'Optional absolute name of the resource-only container to create and run the Kubelet in.', { deprecated: 'will be removed in a future version' }),
    f('system-container', 'string', '', 'Optional resource-only container in which to place all non-kernel processes.', { deprecated: 'Use --system-cgroups instead. Will be removed in a future version.' }),
    f('reconcile-cidr', 'bool', 'true', 'Reconcile node CIDR with the CIDR specified by the API server.'),
  ];
  const only16: FlagSpec[] = [
    f('enable-cri', 'bool', 'true', 'Enables the Container Runtime Interface (CRI) integration.', { deprecated: 'The non-CRI implementation will be deprecated and removed in a future version.' }),
    f('experimental-cri', 'bool', 'true', 'Same as --enable-cri.', { hidden: true, aliasOf: 'enable-cri', deprecated: 'use --enable-cri instead.' }),
    f('cgroups-per-qos', 'bool', 'true', 'Enable creation of QoS cgroup hierarchy, if true top level QoS and pod cgroups are created.'),
    f('enforce-node-allocatable', 'stringSlice', 'pods', "A comma separated list of levels of node allocatable enforcement to be enforced by kubelet. Acceptible options are 'pods', 'system-reserved' & 'kube-reserved'."),
    f('register-with-taints', 'string', '', 'Register the node with the given list of taints (comma separated "<key>=<value>:<effect>").'),
    f('container-runtime-endpoint', 'string', 'unix:///var/run/dockershim.sock', '[Experimental] The unix socket endpoint of remote runtime service.'),
    f('image-service-endpoint', 'string', '', '[Experimental] The unix socket endpoint of remote image service.'),
  ];
  return [
    ...COMMON,
    ...CLOUD.map((x) => (x.name === 'cloud-provider' ? { ...x, default: 'auto-detect' } : x)),
    f('kubeconfig', 'string', '/var/lib/kubelet/kubeconfig', 'Path to a kubeconfig file, specifying how to connect to the API server.', { file: 'kubeconfig' }),
    f('require-kubeconfig', 'bool', 'false', 'If true the Kubelet will exit if there are configuration errors, and will ignore the value of --api-servers in favor of the server defined in the kubeconfig file.'),
    f('api-servers', 'stringSlice', '', 'List of Kubernetes API servers for publishing events, and reading pods and services. (ip:port), comma separated.', v16 ? { deprecated: 'Use --kubeconfig instead. Will be removed in a future version.' } : {}),
    file('experimental-bootstrap-kubeconfig', 'file', 'Path to a kubeconfig file that will be used to get client certificate for kubelet.'),
    f('hostname-override', 'string', '', 'If non-empty, will use this string as identification instead of the actual hostname.'),
    f('node-ip', 'ip', '', 'IP address of the node. If set, kubelet will use this IP address for the node'),
    f('node-labels', 'map', '', '<Warning: Alpha feature> Labels to add when registering the node in the cluster.'),
    f('register-node', 'bool', 'true', 'Register the node with the apiserver'),
    f('register-schedulable', 'bool', 'true', 'Register the node as schedulable. Won\'t have any effect if register-node is false.'),
    f('pod-infra-container-image', 'string', 'gcr.io/google_containers/pause-amd64:3.0', 'The image whose network/ipc namespaces containers in each pod will use.'),
    f('pod-manifest-path', 'string', '', 'Path to to the directory containing pod manifest files to run, or the path to a single pod manifest file.'),
    f('cluster-dns', 'stringSlice', '', 'Comma-separated list of DNS server IP address.'),
    f('cluster-domain', 'string', '', 'Domain for this cluster.'),
    f('cgroup-root', 'string', v16 ? '/' : '', 'Optional root cgroup to use for pods.'),
    f('cgroup-driver', 'string', 'cgroupfs', "Driver that the kubelet uses to manipulate cgroups on the host.  Possible values: 'cgroupfs', 'systemd'"),
    f('kubelet-cgroups', 'string', '', 'Optional absolute name of cgroups to create and run the Kubelet in.'),
    f('runtime-cgroups', 'string', '', 'Optional absolute name of cgroups to create and run the runtime in.'),
    f('system-cgroups', 'string', '', 'Optional absolute name of cgroups in which to place all non-kernel processes that are not already inside a cgroup under `/`.'),
    f('container-runtime', 'string', 'docker', "The container runtime to use. Possible values: 'docker', 'rkt'."),
    f('docker-endpoint', 'string', 'unix:///var/run/docker.sock', 'Use this for the docker endpoint to communicate with'),
    f('runtime-request-timeout', 'duration', '2m0s', 'Timeout of all runtime requests except long running request - pull, logs, exec and attach.'),
    f('network-plugin', 'string', '', '<Warning: Alpha feature> The name of the network plugin to be invoked for various events in kubelet/pod lifecycle'),
    f('network-plugin-mtu', 'int', '0', '<Warning: Alpha feature> The MTU to be passed to the network plugin'),
    f('cni-conf-dir', 'string', '/etc/cni/net.d', '<Warning: Alpha feature> The full path of the directory in which to search for CNI config files.'),
    f('cni-bin-dir', 'string', '/opt/cni/bin', '<Warning: Alpha feature> The full path of the directory in which to search for CNI plugin binaries.'),
    f('non-masquerade-cidr', 'string', '10.0.0.0/8', 'Traffic to IPs outside this range will use IP masquerade.'),
    f('hairpin-mode', 'string', 'promiscuous-bridge', 'How should the kubelet setup hairpin NAT.'),
    file('tls-cert-file', 'cert', 'File containing x509 Certificate for HTTPS.', { keyFlag: 'tls-private-key-file' }),
    file('tls-private-key-file', 'key', 'File containing x509 private key matching --tls-cert-file.'),
    f('cert-dir', 'string', '/var/run/kubernetes', 'The directory where the TLS certs are located.'),
    file('client-ca-file', 'ca', 'If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated.'),
    f('anonymous-auth', 'bool', 'true', 'Enables anonymous requests to the Kubelet server.'),
    f('authentication-token-webhook', 'bool', 'false', 'Use the TokenReview API to determine authentication for bearer tokens.'),
    f('authorization-mode', 'string', 'AlwaysAllow', 'Authorization mode for Kubelet server. Valid options are AlwaysAllow or Webhook.'),
    f('allow-privileged', 'bool', 'false', 'If true, allow containers to request privileged mode.'),
    f('address', 'ip', '0.0.0.0', 'The IP address for the Kubelet to serve on (set to 0.0.0.0 for all interfaces)'),
    f('port', 'int', '10250', 'The port for the Kubelet to serve on.'),
    f('read-only-port', 'int', '10255', 'The read-only port for the Kubelet to serve on with no authentication/authorization (set to 0 to disable)'),
    f('healthz-port', 'int', '10248', 'The port of the localhost healthz endpoint'),
    f('healthz-bind-address', 'ip', '127.0.0.1', 'The IP address for the healthz server to serve on'),
    f('cadvisor-port', 'int', '4194', 'The port of the localhost cAdvisor endpoint'),
    f('root-dir', 'string', '/var/lib/kubelet', 'Directory path for managing kubelet files (volume mounts,etc).'),
    f('max-pods', 'int', '110', 'Number of Pods that can run on this Kubelet.'),
    f('node-status-update-frequency', 'duration', '10s', 'Specifies how often kubelet posts node status to master.'),
    f('sync-frequency', 'duration', '1m0s', 'Max period between synchronizing running containers and config'),
    f('file-check-frequency', 'duration', '20s', 'Duration between checking config files for new data'),
    f('image-gc-high-threshold', 'int', '90', 'The percent of disk usage after which image garbage collection is always run.'),
    f('image-gc-low-threshold', 'int', '80', 'The percent of disk usage before which image garbage collection is never run.'),
    f('eviction-hard', 'string', 'memory.available<100Mi', 'A set of eviction thresholds (e.g. memory.available<1Gi) that if met would trigger a pod eviction.'),
    f('eviction-soft', 'string', '', 'A set of eviction thresholds (e.g. memory.available<1.5Gi) that if met over a corresponding grace period would trigger a pod eviction.'),
    f('kube-reserved', 'map', '', 'A set of ResourceName=ResourceQuantity pairs that describe resources reserved for kubernetes system components.'),
    f('system-reserved', 'map', '', 'A set of ResourceName=ResourceQuantity pairs that describe resources reserved for non-kubernetes components.'),
    f('experimental-fail-swap-on', 'bool', 'false', 'Makes the Kubelet fail to start if swap is enabled on the node.'),
    f('serialize-image-pulls', 'bool', 'true', 'Pull images one at a time.'),
    f('resolv-conf', 'string', '/etc/resolv.conf', 'Resolver configuration file used as the basis for the container DNS resolution configuration.'),
    f('enable-controller-attach-detach', 'bool', 'true', 'Enables the Attach/Detach controller to manage attachment/detachment of volumes scheduled to this node'),
    f('make-iptables-util-chains', 'bool', 'true', 'If true, kubelet will ensure iptables utility rules are present on host.'),
    f('protect-kernel-defaults', 'bool', 'false', 'Default kubelet behaviour for kernel tuning.'),
    f('volume-plugin-dir', 'string', '/usr/libexec/kubernetes/kubelet-plugins/volume/exec/', '<Warning: Alpha feature> The full path of the directory in which to search for additional third party volume plugins'),
    f('enable-server', 'bool', 'true', 'Enable the Kubelet\'s server'),
    f('enable-debugging-handlers', 'bool', 'true', 'Enables server endpoints for log collection and local running of containers and commands'),
    ...(v16 ? only16 : only15),
  ];
}

function kubeProxy(_minor: Minor): FlagSpec[] {
  return [
    ...COMMON,
    ...CLIENT,
    f('cluster-cidr', 'string', '', 'The CIDR range of pods in the cluster.'),
    f('hostname-override', 'string', '', 'If non-empty, will use this string as identification instead of the actual hostname.'),
    f('proxy-mode', 'string', '', "Which proxy mode to use: 'userspace' (older) or 'iptables' (faster)."),
    f('bind-address', 'ip', '0.0.0.0', 'The IP address for the proxy server to serve on'),
    f('healthz-bind-address', 'ip', '127.0.0.1', 'The IP address for the health check server to serve on'),
    f('healthz-port', 'int', '10249', 'The port to bind the health check server. Use 0 to disable.'),
    f('masquerade-all', 'bool', 'false', 'If using the pure iptables proxy, SNAT everything'),
    f('iptables-masquerade-bit', 'int', '14', 'If using the pure iptables proxy, the bit of the fwmark space to mark packets requiring SNAT with.'),
    f('iptables-sync-period', 'duration', '30s', 'The maximum interval of how often iptables rules are refreshed.'),
    f('conntrack-max-per-core', 'int', '32768', 'Maximum number of NAT connections to track per CPU core'),
    f('conntrack-min', 'int', '131072', 'Minimum number of conntrack entries to allocate, regardless of conntrack-max-per-core'),
    f('conntrack-tcp-timeout-established', 'duration', '24h0m0s', 'Idle timeout for established TCP connections'),
    f('oom-score-adj', 'int', '-999', 'The oom-score-adj value for kube-proxy process.'),
    f('proxy-port-range', 'string', '', 'Range of host ports (beginPort-endPort, inclusive) that may be consumed in order to proxy service traffic.'),
    f('udp-timeout', 'duration', '250ms', 'How long an idle UDP connection will be kept open (e.g. \'250ms\', \'2s\').'),
    f('kube-api-qps', 'float', '5', 'QPS to use while talking with kubernetes apiserver'),
    f('kube-api-burst', 'int', '10', 'Burst to use while talking with kubernetes apiserver'),
    f('config-sync-period', 'duration', '15m0s', 'How often configuration from the apiserver is refreshed.'),
    f('resource-container', 'string', '/kube-proxy', 'Absolute name of the resource-only container to create and run the Kube-proxy in (Default: /kube-proxy).'),
    f('cleanup-iptables', 'bool', 'false', 'If true cleanup iptables rules and exit.'),
  ];
}

const BUILDERS: Record<Component, (minor: Minor) => FlagSpec[]> = {
  'kube-apiserver': apiserver,
  'kube-controller-manager': controllerManager,
  'kube-scheduler': scheduler,
  kubelet,
  'kube-proxy': kubeProxy,
};

/** The flag table of `component` at Kubernetes minor `minor`. */
export function flagTable(component: Component, minor: Minor): FlagSpec[] {
  return BUILDERS[component](minor);
}

/** `v1.6.13` → `1.6`; refuses versions the stand-in does not model. */
export function minorOf(version: string): Minor {
  const m = /^v?(1\.[56])\.\d+$/.exec(version);
  if (!m) throw new Error(`unsupported Kubernetes version ${JSON.stringify(version)}: the stand-in release models v1.5.x and v1.6.x`);
  return m[1] as Minor;
}
