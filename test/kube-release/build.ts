// Builds a stand-in release bundle: DIR/<binary> for every binary of a real server tarball,
// each ONE self-contained executable file (esbuild bundle, ESM for Node, `#!/usr/bin/env node`,
// mode 0755) with the version baked in, so it runs from wherever Drover copies it, on the
// fleet hosts too. kubectl is a wrapper over the machine's real /usr/bin/kubectl.
import { build } from 'esbuild';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minorOf } from './flag-tables.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The binaries of a bundle and the component file each entry runs (relative to components/). */
export const BINARIES: readonly { name: string; component: string }[] = [
  { name: 'kube-apiserver', component: 'apiserver/main.ts' },
  { name: 'kube-controller-manager', component: 'controller-manager.ts' },
  { name: 'kube-scheduler', component: 'scheduler.ts' },
  { name: 'kubelet', component: 'kubelet/main.ts' },
  { name: 'kube-proxy', component: 'kube-proxy.ts' },
  { name: 'dockerd', component: 'dockerd/main.ts' },
];

/** What `build` produced: the files written and the binaries skipped (component not written yet). */
export interface BuildResult {
  outDir: string;
  version: string;
  built: string[];
  skipped: { name: string; reason: string }[];
}

/** The wrapper installed as DIR/kubectl: the real client, whatever directory it is run from. */
export const KUBECTL_WRAPPER = '#!/bin/sh\n# stand-in release: kubectl is the machine\'s real client\nexec /usr/bin/kubectl "$@"\n';

// ESM bundles have no `require`; CommonJS dependencies inside the bundle need one
const BANNER = "#!/usr/bin/env node\nimport { createRequire as __kubeReleaseCreateRequire } from 'node:module';\nconst require = __kubeReleaseCreateRequire(import.meta.url);";

function writeExecutable(path: string, content: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o755);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o755);
  renameSync(tmp, path);
}

/** Build release `version` (v1.5.x or v1.6.x) into `outDir`; `patchedKubelet` (1.6 only) builds the adopting kubelet. */
export async function buildRelease({ version, outDir, patchedKubelet = false }: { version: string; outDir: string; patchedKubelet?: boolean }): Promise<BuildResult> {
  const minor = minorOf(version);
  const v = version.startsWith('v') ? version : `v${version}`;
  if (patchedKubelet && minor !== '1.6') throw new Error(`--patched-kubelet is a 1.6 kubelet (JDOS-style adoption of 1.5 containers); not for ${v}`);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const result: BuildResult = { outDir: dir, version: v, built: [], skipped: [] };
  await Promise.all(
    BINARIES.map(async ({ name, component }) => {
      const componentFile = join(HERE, 'components', component);
      if (!existsSync(componentFile)) {
        result.skipped.push({ name, reason: `test/kube-release/components/${component} is not written yet` });
        return;
      }
      const out = await build({
        entryPoints: [join(HERE, 'bin', `${name}.ts`)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        outfile: join(dir, name),
        banner: { js: BANNER },
        define: {
          __KUBE_RELEASE_VERSION__: JSON.stringify(v),
          __KUBE_RELEASE_PATCHED__: String(patchedKubelet && name === 'kubelet'),
        },
        logLevel: 'silent',
      });
      writeExecutable(join(dir, name), out.outputFiles[0]!.contents);
      result.built.push(name);
    }),
  );
  writeExecutable(join(dir, 'kubectl'), KUBECTL_WRAPPER);
  result.built.push('kubectl');
  const order = [...BINARIES.map((b) => b.name), 'kubectl'];
  result.built.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return result;
}
