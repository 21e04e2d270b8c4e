// k8s_drain's delete_options mapping, checked key by key: the ArgSpec only says "a dict", so
// a typo here (ignore_daemonset) would otherwise be silently ignored.
import { ArgError, toBool } from '../args.js';

/** delete_options after validation, with kubectl's defaults. */
export interface DrainOptions {
  ignoreDaemonsets: boolean;
  deleteEmptydirData: boolean;
  force: boolean;
  disableEviction: boolean;
  /** Seconds; unset means each pod's own terminationGracePeriodSeconds. */
  terminateGracePeriod?: number;
  /** Seconds to keep retrying evictions and waiting for pods to go; 0 means no limit. */
  waitTimeout: number;
  /** Seconds between retries and polls. */
  waitSleep: number;
}

const BOOLS = { ignore_daemonsets: 'ignoreDaemonsets', delete_emptydir_data: 'deleteEmptydirData', force: 'force', disable_eviction: 'disableEviction' } as const;
const INTS = { terminate_grace_period: 'terminateGracePeriod', wait_timeout: 'waitTimeout', wait_sleep: 'waitSleep' } as const;

/** Parse delete_options; throws ArgError naming the bad key. */
export function parseDrainOptions(raw: unknown): DrainOptions {
  const out: DrainOptions = { ignoreDaemonsets: false, deleteEmptydirData: false, force: false, disableEviction: false, waitTimeout: 300, waitSleep: 5 };
  if (raw === undefined || raw === null) return out;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const field = `delete_options.${key}`;
    if (value === undefined || value === null) continue;
    if (key in BOOLS) out[BOOLS[key as keyof typeof BOOLS]] = toBool(value, field);
    else if (key in INTS) {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (!Number.isInteger(n) || n < 0) throw new ArgError(`${field}: '${String(value)}' is not a whole number of seconds`, field);
      out[INTS[key as keyof typeof INTS]] = n;
    } else {
      throw new ArgError(`unsupported key in delete_options: ${key} (supported: ${[...Object.keys(BOOLS), ...Object.keys(INTS)].join(', ')})`, field);
    }
  }
  // 0 would poll the API server in a busy loop.
  if (out.waitSleep === 0) out.waitSleep = 1;
  return out;
}
