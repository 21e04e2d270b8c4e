// oclif init hook: `drover --version` prints the commit it was built from, read from
// dist/build-info.json (written by bin/record-build-info.js at build time).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hook } from '@oclif/core';

/** The commit recorded at build time, or "unknown" (not built, or built outside git). */
export function buildCommit(root: string): string {
  try {
    const info = JSON.parse(readFileSync(join(root, 'dist', 'build-info.json'), 'utf8')) as { commit?: unknown };
    return typeof info.commit === 'string' && info.commit ? info.commit : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** oclif prints config.userAgent for --version; only then is it given the commit. */
const hook: Hook<'init'> = async function (opts) {
  if (opts.id !== '--version') return;
  const { config } = opts;
  // userAgent is typed read-only but is a plain field, and --version prints nothing else
  (config as { userAgent: string }).userAgent = `${config.name}/${config.version} (commit ${buildCommit(config.root)}) ${config.platform}-${config.arch} node-${process.version}`;
};

export default hook;
