// `npm run kube-release -- build v1.5.8|v1.6.13 DIR [--patched-kubelet]`: writes a stand-in
// release bundle (tests only; see build.ts).
import { buildRelease } from './build.js';

const USAGE = 'usage: npm run kube-release -- build v1.5.x|v1.6.x DIR [--patched-kubelet]';

async function run(argv: string[]): Promise<number> {
  const patchedKubelet = argv.includes('--patched-kubelet');
  const rest = argv.filter((a) => a !== '--patched-kubelet');
  const unknown = rest.find((a) => a.startsWith('-'));
  if (rest[0] !== 'build' || rest.length !== 3 || unknown) {
    process.stderr.write(`${unknown ? `unknown option ${unknown}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const r = await buildRelease({ version: rest[1]!, outDir: rest[2]!, patchedKubelet });
  for (const name of r.built) process.stdout.write(`built ${r.outDir}/${name}\n`);
  for (const s of r.skipped) process.stderr.write(`skipped ${s.name}: ${s.reason}\n`);
  process.stdout.write(`release ${r.version}${patchedKubelet ? ' (patched kubelet)' : ''}: ${r.built.length} binaries in ${r.outDir}\n`);
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`kube-release: ${e.message}\n`);
    process.exit(1);
  },
);
