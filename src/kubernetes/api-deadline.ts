// How long any Kubernetes API call may wait for an answer, and the run's Ctrl-C that ends
// every waiting call at once. Kept free of client-node so the executor can import it cheaply.

let runSignal: AbortSignal | undefined;

/** Seconds an API call may take: $DROVER_K8S_API_TIMEOUT, else 30 (an API server that accepts and never answers must not hang a run). */
export function apiTimeoutSeconds(): number {
  const n = Number(process.env.DROVER_K8S_API_TIMEOUT);
  return Number.isFinite(n) && n > 0 ? n : 30;
}

/** The run's interrupt: API calls still waiting when it fires are aborted. */
export function abortApiCallsOn(signal: AbortSignal | undefined): void {
  runSignal = signal;
}

/** The signal one API call carries: its deadline, or the run's interrupt. */
export function apiCallSignal(): AbortSignal {
  const deadline = AbortSignal.timeout(apiTimeoutSeconds() * 1000);
  return runSignal ? AbortSignal.any([deadline, runSignal]) : deadline;
}

/** Was the run interrupted (so an aborted call was not a timeout)? */
export function apiCallsInterrupted(): boolean {
  return runSignal?.aborted ?? false;
}
