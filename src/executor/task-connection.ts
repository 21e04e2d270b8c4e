// The connection a module gets for one task: its commands stop with the task (Ctrl-C, the
// task's timeout) and are counted while they run, whatever options the module passed.
import type { Connection, ExecOptions, ExecResult } from '../connections/types.js';
import type { RunningCommands } from './running-commands.js';

/**
 * `conn` as one task sees it: every exec stops on `signal` (Ctrl-C, or the task's timeout)
 * and is counted in `running`, whatever the module passed.
 */
export function taskConnection(conn: Connection, signal: AbortSignal, running: RunningCommands): Connection {
  const exec = (command: string, options: ExecOptions = {}): Promise<ExecResult> =>
    running.track(conn.host, () => conn.exec(command, { ...options, signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal }));
  return {
    host: conn.host,
    transport: conn.transport,
    connect: () => conn.connect(),
    exec,
    put: (content, path, options) => conn.put(content, path, options),
    get: (path, options) => conn.get(path, options),
    close: () => conn.close(),
  };
}
