// drover cluster guard on the cluster world (3 control-plane hosts + 2 nodes): every apiserver
// killed → controller-manager and scheduler stopped on every control-plane host within the grace
// plus one interval, and a webhook arrives; apiservers back → started again, leaders renewing;
// after an operator's `cluster stop`, the guard starts nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { BIN, jsonSummary } from '../../helpers/cli.js';
import { hubDrover } from './cluster-harness.js';
import { deployedWorld, type World } from './maintenance-harness.js';

const CP = ['cp1', 'cp2', 'cp3'];
let world: World;
let hook: ChildProcess | undefined;
let guard: ChildProcess | undefined;
let hooksFile: string;

before(async () => {
  world = await deployedWorld('maint-guard', 56, ['node1', 'node2'], 2);
  // the webhook receiver lives in the hub network, where drover runs
  hooksFile = join(world.dir, 'hooks.jsonl');
  const port = 20000 + Math.floor(Math.random() * 20000);
  hook = world.fleet.hubSpawn(process.execPath, ['-e', `const fs=require('fs');require('http').createServer((q,s)=>{let b='';q.on('data',d=>b+=d);q.on('end',()=>{fs.appendFileSync(${JSON.stringify(hooksFile)},b.replace(/\\n/g,' ')+'\\n');s.end('ok')})}).listen(${port},'127.0.0.1',()=>console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => hook!.stdout!.once('data', r));
  guard = world.fleet.hubSpawn(process.execPath, [BIN, 'cluster', 'guard', '-i', world.inventory, '--watch', '--grace', '5', '--interval', '2', '--webhook', `http://127.0.0.1:${port}/hook`], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
});

after(async () => {
  guard?.kill('SIGTERM');
  hook?.kill('SIGTERM');
  await world?.fleet.stop();
});

const hooks = (): { action: string; message: string }[] => (existsSync(hooksFile) ? readFileSync(hooksFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const running = (host: string, bin: string): boolean => world.fleet.exec(host, `pgrep -f '^node /usr/local/bin/${bin}( |$)'`).rc === 0;
const controlPlaneRunning = (): boolean[] => CP.flatMap((h) => [running(h, 'kube-controller-manager'), running(h, 'kube-scheduler')]);

async function waitFor(what: string, cond: () => boolean, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) assert.fail(`${what}: not within ${ms / 1000} s`);
    await sleep(500);
  }
  return (Date.now() - t0) / 1000;
}

test('every apiserver killed: controller-manager and scheduler stopped everywhere within grace + interval, webhook sent; apiservers back: started again', async () => {
  assert.deepEqual(controlPlaneRunning(), [true, true, true, true, true, true]);
  for (const h of CP) world.fleet.exec(h, 'kill -9 $(pgrep -f "^node /usr/local/bin/kube-apiserver( |$)")');
  // grace 5 s + one 2 s interval + the stop playbook's own time (a few seconds on this machine)
  const stoppedIn = await waitFor('controller-manager and scheduler stopped', () => controlPlaneRunning().every((r) => !r), 5_000 + 2_000 + 20_000);
  await waitFor('webhook "stopped"', () => hooks().some((h) => h.action === 'stopped'), 10_000);
  assert.match(hooks().find((h) => h.action === 'stopped')!.message, /controller-manager and scheduler stopped on cp1, cp2, cp3/);

  for (const h of CP) world.fleet.exec(h, 'systemctl start kube-apiserver');
  const startedIn = await waitFor('controller-manager and scheduler started', () => controlPlaneRunning().every(Boolean), 60_000);
  await waitFor('webhook "started"', () => hooks().some((h) => h.action === 'started'), 60_000);
  assert.match(hooks().find((h) => h.action === 'started')!.message, /leaders renewing/);
  console.log(`# guard: stopped ${stoppedIn.toFixed(1)} s after the apiservers died (grace 5 s, interval 2 s); started ${startedIn.toFixed(1)} s after they came back`);
});

test('after an operator\'s cluster stop, the guard starts nothing', async () => {
  guard?.kill('SIGTERM');
  guard = undefined;
  const stop = await hubDrover(world.fleet, ['cluster', 'stop', '-i', world.inventory, '--yes', '--reason', 'window']);
  assert.equal(stop.code, 0, stop.stdout.slice(-3000) + stop.stderr);
  assert.deepEqual(controlPlaneRunning(), [false, false, false, false, false, false]);
  const once = await hubDrover(world.fleet, ['cluster', 'guard', '-i', world.inventory, '--grace', '0']);
  assert.equal(once.code, 0, once.stdout + once.stderr);
  assert.match(once.stdout, /stopped by cluster stop \(.*reason: window\); the guard starts nothing/);
  assert.deepEqual(controlPlaneRunning(), [false, false, false, false, false, false]);

  // the same round without the operator's record would start them: it is the record that holds them down
  const start = await hubDrover(world.fleet, ['cluster', 'start', '-i', world.inventory, '--yes']);
  assert.equal(start.code, 0, start.stdout.slice(-3000) + start.stderr);
  assert.deepEqual(controlPlaneRunning(), [true, true, true, true, true, true]);
});

test('the deploy with the entrance role converges: a rerun after the maintenance changes nothing', async () => {
  const res = await hubDrover(world.fleet, ['cluster', 'deploy', '-i', world.inventory, '--json']);
  assert.equal(res.code, 0, res.stdout.slice(-3000) + res.stderr);
  for (const [h, s] of Object.entries(jsonSummary(res.stdout).stats)) assert.equal(s.changed, 0, `${h} changed on the rerun`);
});
