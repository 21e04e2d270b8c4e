// npm run fleet -- up N [--netns] [--subnet S] | down | status: a persistent fleet for humans
// (state under the root).
import { readFileSync } from 'node:fs';
import { makeFleet, startFleet } from './fleet.js';

const ROOT = process.env.DROVER_FLEET_ROOT ?? '/tmp/drover-fleet';
const argv = process.argv.slice(2);
const [cmd, arg] = argv.filter((a, k) => !a.startsWith('--') && argv[k - 1] !== '--subnet');
const subnetAt = argv.indexOf('--subnet');

if (cmd === 'up') {
  const n = Number(arg ?? 5);
  const t0 = Date.now();
  const network = argv.includes('--netns') ? 'netns' : 'loopback';
  const fleet = await startFleet({ hosts: n, root: ROOT, network, subnet: subnetAt >= 0 ? Number(argv[subnetAt + 1]) : 0 });
  console.log(`fleet up: ${n} hosts in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
  console.log(`inventory (drover): ${fleet.inventoryYaml}\ninventory (ansible): ${fleet.inventoryIni}\n`);
  console.log(readFileSync(fleet.inventoryYaml, 'utf8'));
  const hub = fleet.hubNetnsPath ? `nsenter --net=${fleet.hubNetnsPath} ` : '';
  if (hub) console.log(`the hosts are reachable from the hub network only: prefix commands with ${hub}`);
  console.log(`try: ${hub}ssh -F ${fleet.sshConfigPath} ${fleet.hosts[0]!.ip} hostname`);
  console.log(`     ${hub}node bin/run.js run all -i ${fleet.inventoryYaml} -a hostname`);
} else if (cmd === 'down') {
  const t0 = Date.now();
  const fleet = makeFleet(ROOT);
  const n = fleet.hosts.length;
  await fleet.stop();
  console.log(`fleet down: ${n} hosts stopped in ${((Date.now() - t0) / 1000).toFixed(2)} s, no leaks`);
} else if (cmd === 'status') {
  const fleet = makeFleet(ROOT);
  for (const h of fleet.hosts) console.log(`${h.name}\t${h.ip}\tinit pid ${h.initPid}`);
  if (!fleet.hosts.length) console.log('no fleet running');
} else {
  console.error('usage: npm run fleet -- up N [--netns] [--subnet S] | down | status');
  process.exit(2);
}
