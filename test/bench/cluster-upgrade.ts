// npm run bench:upgrade: wall time of `drover cluster upgrade --to v1.6.13 --strategy in-place`
// (patched kubelet) on the cluster world, 3 control-plane hosts + N nodes with pods on every
// node, the whole run and per host / per stage (from the --json events), with a kubectl probe
// through the VIP and the containers compared afterwards. Each run deploys a fresh v1.5.8 world.
//   npm run bench:upgrade -- 4,20      (or BENCH_NODES=4,20; BENCH_RUNS=2; BENCH_SUBNET=74;
//   BENCH_CANARY=1 BENCH_BATCH=25% BENCH_PODS_PER_NODE=3). Appends to test/bench/cluster-results.md.
import { setTimeout as sleep } from 'node:timers/promises';
import { hubDrover } from '../integration/cluster/cluster-harness.js';
import { containers, createPods, deployedWorld, startProbe, stopWorld, type UpgradeWorld } from '../integration/cluster/upgrade-harness.js';
import { appendResults, codeVersion, eventClock, load, sec, spread } from './cluster-bench-report.js';

const SIZES = (process.argv[2] ?? process.env.BENCH_NODES ?? '4,20').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const SUBNET = Number(process.env.BENCH_SUBNET ?? 74);
const CANARY = process.env.BENCH_CANARY ?? '1';
const BATCH = process.env.BENCH_BATCH ?? '25%';
const PER_NODE = Number(process.env.BENCH_PODS_PER_NODE ?? 3);
// seconds of the same probe on the idle world before the upgrade: a control for probe failures the load alone causes
const IDLE_PROBE_S = Number(process.env.BENCH_IDLE_PROBE_S ?? 0);

interface HostRow {
  host: string;
  role: string;
  durationMs: number;
  result: string;
}

/** One measured upgrade on a fresh world; the row of the results table and the per-host line. */
async function measure(n: number, run: number): Promise<{ row: string; detail: string }> {
  const nodes = Array.from({ length: n }, (_, i) => `node${i + 1}`);
  let w: UpgradeWorld | undefined;
  try {
    w = await deployedWorld(SUBNET, `b-upgrade-${n}`, true, nodes);
    await createPods(w, PER_NODE);
    let idle = '';
    if (IDLE_PROBE_S > 0) {
      const idleProbe = startProbe(w);
      await sleep(IDLE_PROBE_S * 1000);
      const seenIdle = await idleProbe.stop();
      idle = `; idle probe before the upgrade (${IDLE_PROBE_S} s, load ${load()}): ${seenIdle.failures.length}/${seenIdle.requests} failed${seenIdle.failures.length ? `: ${seenIdle.failures.join(' | ')}` : ''}`;
    }
    const before = await containers(w);
    const probe = startProbe(w);
    const loadBefore = load();
    const t0 = Date.now();
    const clock = eventClock(t0);
    const args = ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--strategy', 'in-place', '--canary', CANARY, '--batch', BATCH, '--json'];
    const res = await hubDrover(w.fleet, args, { timeoutMs: 60 * 60_000, onOutput: clock.onOutput });
    const wall = Date.now() - t0;
    const loadAfter = load();
    const seen = await probe.stop();
    const after = await containers(w);
    const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).length;
    const ev = clock.events;
    const firstStage = ev.find((e) => e.event.type === 'upgrade_stage_start')?.atMs ?? 0;
    const hosts = ev.filter((e) => e.event.type === 'upgrade_host').map((e) => e.event as unknown as HostRow);
    // each stage as "id start+duration" (start in s since the command began), to place probe failures
    const stages = ev.filter((e) => e.event.type === 'upgrade_stage_end').map((e) => `${e.event.stage} @${((e.atMs - e.event.durationMs) / 1000).toFixed(0)}+${sec(e.event.durationMs)}`);
    const cp = hosts.filter((h) => h.role !== 'node').map((h) => h.durationMs);
    const nd = hosts.filter((h) => h.role === 'node').map((h) => h.durationMs);
    const cpStages = ev.filter((e) => e.event.type === 'upgrade_stage_end' && String(e.event.stage).startsWith('control-plane:')).reduce((s, e) => s + e.event.durationMs, 0);
    const nodeStages = ev.filter((e) => e.event.type === 'upgrade_stage_end' && String(e.event.stage).startsWith('nodes:')).reduce((s, e) => s + e.event.durationMs, 0);
    const result = res.code === 0 ? 'ok' : `exit ${res.code}`;
    if (res.code !== 0) console.error(`upgrade 3+${n} run ${run} failed (${res.code}):\n${res.stdout.slice(-4000)}\n${res.stderr.slice(-2000)}`);
    const row = `| 3 + ${n} | ${run} | ${Object.keys(before).length} | ${result} | ${sec(wall)} | ${sec(firstStage)} | ${sec(cpStages)} (${spread(cp)}) | ${sec(nodeStages)} (${spread(nd)}) | ${changed} | ${seen.failures.length}/${seen.requests} | ${loadBefore} → ${loadAfter} |`;
    const detail = `- 3 + ${n} run ${run}: stages ${stages.join(', ')}; hosts ${hosts.map((h) => `${h.host} ${sec(h.durationMs)}${h.result === 'ok' ? '' : ` ${h.result}`}`).join(', ')}${seen.failures.length ? `; probe failures: ${seen.failures.map((f) => `@${((Date.parse(f.slice(0, 24)) - t0) / 1000).toFixed(0)} s ${f.slice(25)}`).join(' | ')}` : ''}${idle}`;
    console.log(row);
    console.log(detail);
    return { row, detail };
  } catch (err) {
    console.error(`upgrade 3+${n} run ${run}: ${err instanceof Error ? err.stack : String(err)}`);
    return { row: `| 3 + ${n} | ${run} | - | error: ${String(err instanceof Error ? err.message : err).split('\n')[0]!.slice(0, 80)} | | | | | | | ${load()} |`, detail: '' };
  } finally {
    await stopWorld(w);
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const details: string[] = [];
  for (const n of SIZES) {
    for (let run = 1; run <= RUNS; run++) {
      const m = await measure(n, run);
      rows.push(m.row);
      if (m.detail) details.push(m.detail);
    }
  }
  appendResults(`cluster upgrade, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`, [
    `\`drover cluster upgrade -i INV --to v1.6.13 --strategy in-place --canary ${CANARY} --batch ${BATCH} --json\`, v1.5.8 → v1.6.13 with the patched`,
    `kubelet, on a fresh netns world per run (3 control-plane hosts with etcd and keepalived + N nodes, ${PER_NODE} pods per node`,
    'created with the real kubectl, one with a sidecar). Wall = the whole command; "before stages" = preflight + the etcd',
    'backup (until the first stage starts); stage sums and per-host min / median / max from the `upgrade_stage_end` and',
    '`upgrade_host` events; "changed" = containers whose ID, start time or restartCount moved; probe = failed / all',
    '`kubectl get nodes` through the VIP, once a second. Load = 1/5/15-min averages before → after (2 shared cores).',
    '`npm run bench:upgrade -- ' + SIZES.join(',') + '`' + (RUNS > 1 ? ` with BENCH_RUNS=${RUNS}` : '') + `; code ${codeVersion()}.`,
    '',
    '| world | run | containers | result | wall | before stages | control plane: sum (per host) | nodes: sum (per node) | changed | probe failed | load |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...details,
  ]);
}

await main();
