// The etcd3 storage compactor of a 1.6 apiserver: every interval (10 minutes, fixed in 1.6)
// it compacts etcd up to the revision it saw one interval ago, so watches older than that get
// 410 Expired. Several apiservers share the work through the version of the key
// "compact_rev_key" (outside --etcd-prefix): only the one whose compare-and-swap on that
// version succeeds compacts in a round; the others adopt the version it left.
import { EtcdClient } from './etcd-client.js';

const COMPACT_REV_KEY = 'compact_rev_key';

/** The interval a 1.6 apiserver compacts at. */
export const COMPACT_INTERVAL_MS = 10 * 60 * 1000;

/** One round's state: the compact time (version of compact_rev_key) and the revision to compact next. */
export interface CompactState {
  time: number;
  rev: number;
}

/** One round: claim the round by CAS on the key's version; the winner compacts the previous round's revision. */
export async function compactRound(etcd: EtcdClient, s: CompactState, onCompacted: (rev: number) => void): Promise<CompactState> {
  const b64 = (t: string): string => Buffer.from(t).toString('base64');
  const res = await etcd.call('/v3/kv/txn', {
    compare: [{ key: b64(COMPACT_REV_KEY), target: 'VERSION', result: 'EQUAL', version: String(s.time) }],
    success: [{ request_put: { key: b64(COMPACT_REV_KEY), value: b64(String(s.rev)) } }],
    failure: [{ request_range: { key: b64(COMPACT_REV_KEY) } }],
  });
  const curRev = Number(res.header?.revision ?? 0);
  if (res.succeeded !== true) {
    const kv = res.responses?.[0]?.response_range?.kvs?.[0];
    return { time: Number(kv?.version ?? 0), rev: curRev };
  }
  if (s.rev > 0) {
    await etcd.call('/v3/kv/compaction', { revision: String(s.rev) });
    onCompacted(s.rev);
  }
  return { time: s.time + 1, rev: curRev };
}

/** Run rounds every intervalMs until the returned stop function is called. */
export function startCompactor(etcd: EtcdClient, intervalMs: number, log: { info(m: string): void; error(m: string): void }): () => void {
  let state: CompactState = { time: 0, rev: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout;
  const tick = (): void => {
    compactRound(etcd, state, (rev) => log.info(`etcd: compacted rev (${rev})`))
      .then((next) => (state = next))
      .catch((e: Error) => log.error(`etcd: compact failed: ${e.message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
