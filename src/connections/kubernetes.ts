// The `kubernetes` connection: commands run in a pod through the API server's exec
// WebSocket (client-node), files travel over the same exec as tar or raw bytes. Only sh is
// needed in the pod. All pods share one API client per kubeconfig and context; no socket
// stays open between commands, so close() is cheap.
import { posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiErrorMessage, apiStatus, kubeClient, type KubeClient } from '../kubernetes/client.js';
import { stripSudoPrompt, wrapBecome } from './become.js';
import { podWriteCommand, readScript, tarOneFileParts, untarOneFile } from './kubernetes/pod-files.js';
import { PodExecError, podExec, stdinLength, type ExecSocket, type PodTarget, type RawExecResult } from './kubernetes/pod-exec.js';
import { defaultContainerOf } from '../kubernetes/default-container.js';
import { framedScript, newNonce } from './kubernetes/pod-framing.js';
import { WsExec } from './kubernetes/ws-exec.js';
import { PROBE_SCRIPT, parseProbe, type PodFacts } from './kubernetes/pod-probe.js';
import { kubernetesOptions, type KubernetesOptions } from './kubernetes/settings.js';
import { settingsKey } from './settings-key.js';
import { GroupWatch, inProcessGroup, killGroupsScript, stripGroupMark } from './process-group.js';
import { putAttrs, tempBeside, writeAndReplaceScript } from './replace-file.js';
import { envPrefix, quote } from './shell-quote.js';
import { UnreachableError, type BecomeOptions, type Connection, type ConnectionFactory, type ExecOptions, type ExecResult, type HostVars, type PutOptions } from './types.js';

/** Commands and files in one pod (one container) over the API server's exec. */
export class KubernetesConnection implements Connection {
  readonly transport = 'kubernetes';
  /** Undefined when the host's settings are invalid (connect() says why). */
  readonly options?: KubernetesOptions;
  private readonly settingsError?: Error;
  private client?: KubeClient;
  private wsExec?: WsExec;
  private containerAsked?: Promise<string | undefined>;
  private target?: PodTarget;
  private facts?: Promise<PodFacts>;
  private readonly sockets = new Set<ExecSocket>();

  constructor(
    readonly host: string,
    vars: HostVars,
  ) {
    try {
      this.options = kubernetesOptions(host, vars);
    } catch (err) {
      this.settingsError = err as Error;
    }
  }

  /** `namespace/pod[:container]`, for messages. */
  get where(): string {
    const t = this.target ?? { namespace: this.options?.namespace ?? '?', pod: this.options?.pod ?? this.host, container: this.options?.container };
    return `${t.namespace}/${t.pod}${t.container ? `:${t.container}` : ''}`;
  }

  private fail(message: string): UnreachableError {
    return new UnreachableError(`Failed to exec in pod ${this.where} via kubernetes: ${message}`, this.host);
  }

  /** Reads the kubeconfig (once per file and context for the whole run); opens nothing. */
  async connect(): Promise<void> {
    if (this.client) return;
    if (this.settingsError || !this.options) throw new UnreachableError(`pod for host '${this.host}': ${this.settingsError?.message}`, this.host);
    const o = this.options;
    try {
      this.client = kubeClient({ kubeconfig: o.kubeconfig, context: o.context });
    } catch (err) {
      throw this.fail(`cannot use the kubeconfig: ${(err as Error).message}`);
    }
    this.wsExec = new WsExec(this.client.kc, o.connectTimeoutMs);
    this.target = { namespace: o.namespace ?? this.client.defaultNamespace, pod: o.pod, container: o.container };
  }

  /** Run one sh script in the pod as bytes; retries an exec stream that could not open. */
  private async run(script: string, options: { stdin?: Buffer | readonly Buffer[]; timeoutMs?: number; signal?: AbortSignal; onStderr?: (chunk: Buffer) => void; onStop?: () => Promise<void> } = {}): Promise<RawExecResult> {
    await this.connect();
    const o = this.options!;
    // kubectl names the container itself (annotation, else the first): a server left to pick might pick a sidecar
    if (!this.target!.container) {
      this.containerAsked ??= this.defaultContainer();
      const container = await this.containerAsked;
      if (container && !this.target!.container) this.target = { ...this.target!, container };
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const nonce = newNonce();
        return await podExec(this.wsExec!, this.target!, ['/bin/sh', '-c', framedScript(script, options.stdin === undefined ? undefined : stdinLength(options.stdin), nonce)], {
          nonce,
          stdin: options.stdin,
          timeoutMs: options.timeoutMs ?? (o.execTimeoutMs || undefined),
          signal: options.signal,
          connectTimeoutMs: o.connectTimeoutMs,
          sockets: this.sockets,
          onStderr: options.onStderr,
          onStop: options.onStop,
        });
      } catch (err) {
        if (!(err instanceof PodExecError)) throw this.fail((err as Error).message);
        if (err.lost) throw await this.lostCommand(err);
        if (err.retryable && attempt < o.retries) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw await this.explain(err);
      }
    }
  }

  /** A command whose shell vanished: the pod was deleted or its container killed under it (unreachable, like a dead sshd). */
  private async lostCommand(err: PodExecError): Promise<UnreachableError> {
    let state: string;
    try {
      const pod = await this.client!.core.readNamespacedPod({ name: this.target!.pod, namespace: this.target!.namespace });
      state = pod.metadata?.deletionTimestamp ? 'the pod is being deleted' : `the pod is ${pod.status?.phase ?? 'in an unknown phase'} (its container may have restarted)`;
    } catch (e) {
      state = apiStatus(e) === 404 ? 'the pod was deleted' : `reading the pod failed: ${apiErrorMessage(e)}`;
    }
    return this.fail(`${err.message}: ${state}`);
  }

  /** kubectl's choice: the default-container annotation, else the first container. */
  private async defaultContainer(): Promise<string | undefined> {
    try {
      return defaultContainerOf(await this.client!.core.readNamespacedPod({ name: this.target!.pod, namespace: this.target!.namespace }));
    } catch {
      return undefined;
    }
  }

  /** An UnreachableError that says what to check, from a failed exec stream. */
  private async explain(err: PodExecError): Promise<UnreachableError> {
    const server = this.client!.kc.getCurrentCluster()?.server ?? 'the API server';
    switch (err.httpStatus) {
      case 404:
        return this.fail(`pod ${this.target!.namespace}/${this.target!.pod} not found (HTTP 404 from ${server})`);
      case 401:
      case 403:
        return this.fail(`not allowed to exec (HTTP ${err.httpStatus} from ${server}): check the credentials in ${this.client!.source} and the pods/exec permission`);
      case 400:
        return this.fail(`exec refused (HTTP 400 from ${server}): ${await this.podState()}`);
      case undefined:
        return this.fail(err.message.startsWith('exec failed') || err.message.startsWith('the exec') ? err.message : `cannot reach ${server}: ${err.message}`);
      default:
        return this.fail(`exec refused (HTTP ${err.httpStatus} from ${server})`);
    }
  }

  /** Why a pod would refuse exec: not running, or no such container. */
  private async podState(): Promise<string> {
    try {
      const pod = await this.client!.core.readNamespacedPod({ name: this.target!.pod, namespace: this.target!.namespace });
      const names = (pod.spec?.containers ?? []).map((c) => c.name);
      const c = this.target!.container;
      if (c && !names.includes(c)) return `the pod has no container '${c}' (it has: ${names.join(', ')}); set drover_k8s_container`;
      if (!c && names.length > 1) return `the pod has several containers (${names.join(', ')}); set drover_k8s_container`;
      return `the pod is ${pod.status?.phase ?? 'in an unknown phase'}`;
    } catch (e) {
      return `and reading the pod failed too: ${apiErrorMessage(e)}`;
    }
  }

  /** uid, user name and tar of the pod, asked on first need and kept. */
  private podFacts(): Promise<PodFacts> {
    this.facts ??= this.run(PROBE_SCRIPT).then(
      (r) => parseProbe(r.stdout.toString('utf8')),
      (err: unknown) => {
        this.facts = undefined;
        throw err;
      },
    );
    return this.facts;
  }

  /** Become is a no-op when exec already runs as that user (pods usually run as root and have no sudo). */
  private async effectiveBecome(b: BecomeOptions | undefined): Promise<BecomeOptions | undefined> {
    if (!b) return undefined;
    const f = await this.podFacts();
    return b.user === f.user || b.user === f.uid ? undefined : b;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    // after Ctrl-C a module's next command is not started at all
    if (options.signal?.aborted) return { rc: 130, stdout: '', stderr: 'interrupted\n' };
    const become = await this.effectiveBecome(options.become);
    const cd = options.cwd ? `cd ${quote(options.cwd)} && ` : '';
    const { command: script, stdinPrefix } = wrapBecome(inProcessGroup(`${envPrefix(options.env)}${cd}${command}`), become);
    const stdin = options.stdin !== undefined || stdinPrefix ? [Buffer.from(stdinPrefix), Buffer.from(options.stdin ?? '')] : undefined;
    // closing the exec stream leaves the command running in the pod: a second exec kills its group
    const group = new GroupWatch(async (pgid) => {
      const kill = wrapBecome(killGroupsScript([pgid]), become);
      await this.run(kill.command, { stdin: kill.stdinPrefix ? Buffer.from(kill.stdinPrefix) : undefined });
    });
    const r = await this.run(script, {
      stdin,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onStderr: (chunk) => group.scan(chunk),
      onStop: () => (group.stop(), group.settled()),
    });
    const result: ExecResult = { rc: r.rc, stdout: r.stdout.toString('utf8'), stderr: stripGroupMark(stripSudoPrompt(r.stderr.toString('utf8'))) };
    if (r.timedOut) result.timedOut = true;
    return result;
  }

  async put(content: Buffer, remotePath: string, options: PutOptions = {}): Promise<void> {
    const attrs = putAttrs(options);
    const tmp = tempBeside(remotePath);
    const become = await this.effectiveBecome(options.become);
    if (become) {
      // the become user's shell writes the bytes from stdin into a 0600 temp file: nothing staged in /tmp
      const { command, stdinPrefix } = wrapBecome(writeAndReplaceScript(remotePath, tmp, attrs), become);
      const r = await this.run(command, { stdin: [Buffer.from(stdinPrefix), content] });
      if (r.rc !== 0) throw new Error(`could not write ${remotePath} as ${become.user}: ${stripSudoPrompt(r.stderr.toString('utf8')).trim()}`);
      return;
    }
    const { hasTar } = await this.podFacts();
    // the archive's parts reference content: no copy of the file per pod
    const stdin = hasTar ? await tarOneFileParts(posix.basename(tmp), content, 0o600) : content;
    const r = await this.run(writeAndReplaceScript(remotePath, tmp, attrs, podWriteCommand(tmp, hasTar)), { stdin });
    if (r.rc !== 0) throw new Error(`could not write ${remotePath}: ${r.stderr.toString('utf8').trim()}`);
  }

  async get(remotePath: string, options: { become?: BecomeOptions } = {}): Promise<Buffer> {
    const become = await this.effectiveBecome(options.become);
    const { hasTar } = await this.podFacts();
    const { command, stdinPrefix } = wrapBecome(readScript(remotePath, hasTar), become);
    const r = await this.run(command, { stdin: stdinPrefix ? Buffer.from(stdinPrefix) : undefined });
    if (r.rc !== 0) throw new Error(`could not read ${remotePath}: ${stripSudoPrompt(r.stderr.toString('utf8')).trim()}`);
    return hasTar ? untarOneFile(r.stdout, remotePath) : r.stdout;
  }

  /** Ends commands still running (Ctrl-C); the shared API client stays for other pods. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.sockets.clear();
    this.facts = undefined;
  }
}

/** Factory registered as transport 'kubernetes' (also `kubectl`, `kubernetes.core.kubectl`). */
export const kubernetesConnectionFactory: ConnectionFactory = {
  transport: 'kubernetes',
  create: (host: string, vars: HostVars) => new KubernetesConnection(host, vars),
  settingsKey: (host: string, vars: HostVars) => settingsKey(() => kubernetesOptions(host, vars)),
};
