// Output is a stream of events: the executor emits, exactly one reporter renders.
// Reporters never decide exit codes.

/** `interrupted`: the task was cut off by Ctrl-C/SIGTERM; counted apart from failures. */
export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'interrupted';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
  /** Tasks cut off by an interrupt; present only when there were some (Ansible has no such count). */
  interrupted?: number;
}

export type DroverEvent =
  | { type: 'playbook_start'; file: string; check: boolean }
  | { type: 'play_start'; name: string; hosts: string[] }
  | { type: 'no_hosts'; play: string }
  | { type: 'task_start'; name: string; action: string; handler: boolean; hosts: string[] }
  | {
      type: 'host_result';
      task: string;
      action: string;
      host: string;
      /** Where the task ran when delegated. */
      delegatedTo?: string;
      status: HostStatus;
      /** Failure ignored by ignore_errors. */
      ignored?: boolean;
      /** The (already secret-masked) result; `censored` replaces it under no_log. */
      result: Record<string, unknown>;
      /** One loop item's result; a final host_result without `item` follows the items. */
      item?: unknown;
      itemLabel?: string;
      verbose?: boolean;
    }
  | { type: 'included'; file: string; hosts: string[] }
  | { type: 'warning'; message: string }
  | { type: 'retry'; task: string; host: string; attempt: number; retries: number; result: Record<string, unknown> }
  | { type: 'play_end'; name: string }
  | {
      type: 'playbook_end';
      stats: Record<string, HostStats>;
      durationMs: number;
      interrupted: boolean;
      /** Hosts whose running task was cut off by the interrupt (reported as interrupted, not failed). */
      interruptedHosts: string[];
      exitCode: number;
    };

export interface Reporter {
  handle(event: DroverEvent): void;
  /** Flush and release the terminal. */
  finish(): Promise<void>;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
