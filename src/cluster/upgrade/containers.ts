// What "every container survived" means, checked from the API: each container of each pod
// bound to the node keeps its container ID, its start time and its restart count.
import { apiOk, type AdminTls } from './api.js';

/** One container of a pod on the node, as its pod status reports it. */
export interface ContainerRecord {
  pod: string;
  name: string;
  id: string;
  startedAt: string;
  restartCount: number;
}

/** The containers of every pod bound to the node (pods being deleted left out). */
export async function nodeContainers(tls: AdminTls, via: string, node: string): Promise<ContainerRecord[]> {
  const list = await apiOk(tls, via, 'GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${node}`)}`);
  const out: ContainerRecord[] = [];
  for (const p of list.items ?? []) {
    if (p.metadata?.deletionTimestamp) continue;
    for (const c of p.status?.containerStatuses ?? []) {
      out.push({ pod: `${p.metadata.namespace}/${p.metadata.name}`, name: c.name, id: String(c.containerID ?? ''), startedAt: String(c.state?.running?.startedAt ?? ''), restartCount: Number(c.restartCount ?? 0) });
    }
  }
  return out.sort((a, b) => `${a.pod}/${a.name}`.localeCompare(`${b.pod}/${b.name}`));
}

/** Containers kept and those recreated (or gone), with what changed. */
export interface ContainerComparison {
  kept: ContainerRecord[];
  recreated: { before: ContainerRecord; after?: ContainerRecord; why: string }[];
}

/** Compare the containers before and after: any change of ID, start time or restart count is a recreation. */
export function compareContainers(before: ContainerRecord[], after: ContainerRecord[]): ContainerComparison {
  const res: ContainerComparison = { kept: [], recreated: [] };
  for (const b of before) {
    const a = after.find((x) => x.pod === b.pod && x.name === b.name);
    const why = !a ? 'gone' : a.id !== b.id ? `id ${short(b.id)} -> ${short(a.id)}` : a.startedAt !== b.startedAt ? `started ${b.startedAt} -> ${a.startedAt}` : a.restartCount !== b.restartCount ? `restartCount ${b.restartCount} -> ${a.restartCount}` : '';
    if (why) res.recreated.push({ before: b, after: a, why });
    else res.kept.push(b);
  }
  return res;
}

const short = (id: string): string => id.replace(/^docker:\/\//, '').slice(0, 12) || '(none)';

/** "pod/container (why)" for a report line. */
export function describeRecreated(c: ContainerComparison['recreated'][number]): string {
  return `${c.before.pod}/${c.before.name} (${c.why})`;
}
