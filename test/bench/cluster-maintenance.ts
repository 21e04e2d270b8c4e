// npm run bench:maintenance: wall time of `drover cluster stop --yes` and `drover cluster start
// --yes` on the cluster world, 3 control-plane hosts + N nodes with pods on every node, the
// whole command and per stage (from the --json report), and every pod's uid and node compared
// after each cycle. One deployed v1.5.8 world per size; BENCH_CYCLES stop/start cycles on it.
//   npm run bench:maintenance -- 4,20  (or BENCH_NODES=4,20; BENCH_CYCLES=2; BENCH_SUBNET=75;
//   BENCH_PODS_PER_NODE=3). Appends to test/bench/cluster-results.md.
import { hubDrover } from '../integration/cluster/cluster-harness.js';
import { deployedWorld, runningPods, type World } from '../integration/cluster/maintenance-harness.js';
import { appendResults, codeVersion, eventClock, load, sec } from './cluster-bench-report.js';

const SIZES = (process.argv[2] ?? process.env.BENCH_NODES ?? '4,20').split(',').map(Number);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 2);
const SUBNET = Number(process.env.BENCH_SUBNET ?? 75);
const PER_NODE = Number(process.env.BENCH_PODS_PER_NODE ?? 3);

/** One `cluster stop` or `cluster start`: exit code, wall time, each stage's time, load before → after. */
async function timedRun(w: World, action: 'stop' | 'start'): Promise<{ code: number; wallMs: number; stages: string; load: string; tail: string }> {
  const loadBefore = load();
  const t0 = Date.now();
  const clock = eventClock(t0);
  const res = await hubDrover(w.fleet, ['cluster', action, '-i', w.inventory, '--yes', '--reason', 'bench', '--json'], { timeoutMs: 30 * 60_000, onOutput: clock.onOutput });
  const wallMs = Date.now() - t0;
  const report = clock.events.find((e) => e.event.type === 'maintenance_report')?.event as { stages?: { id: string; status: string; durationMs: number }[] } | undefined;
  const stages = (report?.stages ?? []).map((s) => `${s.id} ${sec(s.durationMs)}${s.status === 'done' ? '' : ` (${s.status})`}`).join(', ');
  return { code: res.code, wallMs, stages, load: `${loadBefore} → ${load()}`, tail: `${res.stdout.slice(-3000)}\n${res.stderr.slice(-1500)}` };
}

/** Pods as "name uid node", sorted: equal before and after means none was deleted or moved. */
const podKeys = (w: World): string[] =>
  runningPods(w)
    .map((p) => `${p.name} ${p.uid} ${p.node}`)
    .sort();

async function measure(n: number): Promise<string[]> {
  const nodes = Array.from({ length: n }, (_, i) => `node${i + 1}`);
  const rows: string[] = [];
  let w: World | undefined;
  try {
    w = await deployedWorld(`b-maint-${n}`, SUBNET, nodes, PER_NODE * n);
    const pods = podKeys(w);
    const perNode = nodes.map((node) => pods.filter((p) => p.endsWith(` ${node}`)).length);
    const podsCell = `${pods.length} (${Math.min(...perNode)}-${Math.max(...perNode)} per node)`;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      for (const action of ['stop', 'start'] as const) {
        const r = await timedRun(w, action);
        if (r.code !== 0) console.error(`cluster ${action} 3+${n} cycle ${cycle} failed (${r.code}):\n${r.tail}`);
        const kept = action === 'start' ? (JSON.stringify(podKeys(w)) === JSON.stringify(pods) ? 'yes' : 'NO') : '';
        const row = `| 3 + ${n} | ${podsCell} | ${cycle} | \`cluster ${action}\` | ${r.code === 0 ? 'ok' : `exit ${r.code}`} | ${sec(r.wallMs)} | ${r.stages} | ${kept} | ${r.load} |`;
        console.log(row);
        rows.push(row);
        if (r.code !== 0) return rows;
      }
    }
  } catch (err) {
    console.error(`maintenance 3+${n}: ${err instanceof Error ? err.stack : String(err)}`);
    rows.push(`| 3 + ${n} | | | | error: ${String(err instanceof Error ? err.message : err).split('\n')[0]!.slice(0, 80)} | | | | ${load()} |`);
  } finally {
    await w?.fleet.stop();
  }
  return rows;
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const n of SIZES) rows.push(...(await measure(n)));
  appendResults(`cluster stop / start, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`, [
    '`drover cluster stop -i INV --yes --reason bench --json`, then `drover cluster start` with the same flags, on a deployed',
    `v1.5.8 netns world (3 control-plane hosts with etcd, keepalived and the entrances + N nodes, ${PER_NODE} × N bare pods`,
    'created with the real kubectl and placed by the scheduler). Default stages: entrances → controller-manager + scheduler',
    '→ kubelets + kube-proxy, and the reverse; each stage\'s time includes its gate; "snapshot" is the container snapshot',
    'taken first. "pods kept" = every pod Running with the same uid and node after the start. Load = 1/5/15-min averages',
    `before → after (2 shared cores). \`npm run bench:maintenance -- ${SIZES.join(',')}\`, ${CYCLES} cycle(s) per world; code ${codeVersion()}.`,
    '',
    '| world | pods | cycle | command | result | wall | per stage | pods kept | load |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ]);
}

await main();
