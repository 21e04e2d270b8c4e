// Runs every *.test.ts under test/ with node's built-in runner (through tsx).
// Pass directories or files to run a subset: node test/run-tests.mjs test/unit
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else if (path.endsWith('.test.ts')) {
    out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error('no test files found under', roots.join(' '));
  process.exit(1);
}
// Two test files at a time by default: most integration tests wait on real daemons (leases,
// VRRP adverts, etcd) rather than compute, and every fleet has its own subnet, so two lanes
// fit two cores. DROVER_TEST_CONCURRENCY=1 runs them one by one.
const concurrency = Number(process.env.DROVER_TEST_CONCURRENCY ?? 2);
const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files];
const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(res.status ?? 1);
