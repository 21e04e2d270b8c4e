// The whole kubernetes-connection suite against a server that offers only channel.k8s.io
// (the oldest protocol: no JSON status frame, no stdin half-close): exit codes come from the
// framed command's own trailer.
process.env.DROVER_K8S_EXEC_PROTOCOLS = 'channel.k8s.io';
process.env.DROVER_K8S_SIM_HOST ??= '127.60.0.1';
await import('./kubernetes-connection.test.js');
