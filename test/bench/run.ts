// npm run bench: Drover against Debian's Ansible on the same fleet of real sshd hosts and the
// same 10-task playbook, plus the raw floor (N parallel `ssh host true`). Medians of RUNS runs.
// Not a test: it prints a markdown table (also written to test/bench/results.md).
//   BENCH_SIZES=10,50,100 BENCH_RUNS=3 BENCH_ANSIBLE_DEFAULTS=1 npm run bench
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFleet, type Fleet } from '../fleet/fleet.js';
import { median, timed } from './timed.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PLAYBOOK = join(HERE, 'ops-playbook.yml');
const SIZES = (process.env.BENCH_SIZES ?? '10,50,100').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WITH_DEFAULTS = process.env.BENCH_ANSIBLE_DEFAULTS !== '0';

async function rawFloor(fleet: Fleet): Promise<Timed> {
  const script = fleet.hosts
    .map((h) => `ssh -i ${fleet.keyPath} -o UserKnownHostsFile=${fleet.knownHostsPath} -o StrictHostKeyChecking=yes -o BatchMode=yes -o ControlMaster=no root@${h.ip} true &`)
    .join('\n');
  return timed(['sh', '-c', `${script}\nwait`]);
}

function ansibleCfg(dir: string, best: boolean, n: number): string {
  const cfg = join(dir, best ? 'ansible-best.cfg' : 'ansible-default.cfg');
  const lines = ['[defaults]', 'host_key_checking = True', 'retry_files_enabled = False', 'interpreter_python = /usr/bin/python3', `forks = ${best ? n : 5}`, 'gathering = explicit'];
  lines.push('[ssh_connection]');
  if (best) lines.push('pipelining = True', 'ssh_args = -o ControlMaster=auto -o ControlPersist=120s', `control_path_dir = ${join(dir, 'cp')}`);
  writeFileSync(cfg, lines.join('\n') + '\n');
  return cfg;
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'drover-bench-'));
  for (const n of SIZES) {
    const fleet = await startFleet({ hosts: n, name: `bench${n}` });
    try {
      const invAnsible = fleet.inventoryIni;
      const results: Record<string, Timed[]> = { raw: [], drover: [], ansibleBest: [], ansibleDefault: [] };
      for (let r = 0; r < RUNS; r++) {
        results.raw!.push(await rawFloor(fleet));
        results.drover!.push(await timed([process.execPath, join(ROOT, 'bin', 'run.js'), 'play', PLAYBOOK, '-i', fleet.inventoryYaml, '-f', String(n)], { NO_COLOR: '1' }));
        results.ansibleBest!.push(await timed(['ansible-playbook', '-i', invAnsible, PLAYBOOK], { ANSIBLE_CONFIG: ansibleCfg(work, true, n) }));
        if (WITH_DEFAULTS) results.ansibleDefault!.push(await timed(['ansible-playbook', '-i', invAnsible, PLAYBOOK], { ANSIBLE_CONFIG: ansibleCfg(work, false, n) }));
      }
      for (const [k, v] of Object.entries(results)) {
        const bad = v.find((t) => t.code !== 0);
        if (bad) console.error(`${k} at N=${n} exited ${bad.code}:\n${bad.tail}`);
      }
      const m = (k: string): number => (results[k]!.length ? median(results[k]!.map((t) => t.seconds)) : NaN);
      const rss = Math.max(...results.drover!.map((t) => t.maxRssKb)) / 1024;
      const row = `| ${n} | ${m('raw').toFixed(2)} | ${m('drover').toFixed(2)} | ${m('ansibleBest').toFixed(2)} | ${WITH_DEFAULTS ? m('ansibleDefault').toFixed(2) : 'not run'} | ${(m('ansibleBest') / m('drover')).toFixed(1)}× | ${(m('drover') / m('raw')).toFixed(2)}× | ${rss.toFixed(0)} MB |`;
      console.log(row);
      rows.push(row);
    } finally {
      await fleet.stop();
    }
  }
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${process.env.BENCH_MACHINE ?? '2 cores, 24 GiB'}; medians of ${RUNS} runs; seconds.`,
    '',
    '| hosts | raw floor (N × `ssh true`) | Drover | Ansible best (forks=N, pipelining, ControlPersist) | Ansible defaults (forks=5) | Ansible best / Drover | Drover / raw floor | Drover peak RSS |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  writeFileSync(join(HERE, 'results.md'), table + '\n');
  console.log(`\n${table}`);
}

await main();
