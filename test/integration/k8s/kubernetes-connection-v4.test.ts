// The whole kubernetes-connection suite against a server that offers only v4.channel.k8s.io
// (Kubernetes 1.5 to 1.29): no way to half-close stdin, so stdin and file transfer rely on the
// length-framed wire format.
process.env.DROVER_K8S_EXEC_PROTOCOLS = 'v4.channel.k8s.io';
process.env.DROVER_K8S_SIM_HOST ??= '127.60.0.4';
await import('./kubernetes-connection.test.js');
