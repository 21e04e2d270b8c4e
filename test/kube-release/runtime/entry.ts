// What every stand-in Kubernetes binary does before its component runs, as the real mains
// do: parse the command line against this version's pflag table (exit 2 on an unknown
// flag), answer --version, set glog's -v, check every certificate/key/kubeconfig flag given
// (exit 1 naming the flag and path), then hand over to the component's main.
import { flagTable, minorOf, type Component, type Minor } from '../flag-tables.js';
import { parseOrExit, type ParsedFlags } from './flags.js';
import { preflightFiles } from './files.js';
import { newLog, setVerbosity } from './log.js';

declare const __KUBE_RELEASE_VERSION__: string;
declare const __KUBE_RELEASE_PATCHED__: boolean;

/** What a component's main learns about the release it was built into. */
export interface ComponentContext {
  /** `v1.6.13` (without the patched suffix). */
  version: string;
  /** A patched build (only the kubelet of a `--patched-kubelet` bundle). */
  patched: boolean;
  minor: Minor;
  component: Component;
}

/** The signature of every component's `main`. */
export type ComponentMain = (flags: ParsedFlags, ctx: ComponentContext) => Promise<void>;

/** The suffix a patched kubelet's version carries (agreed with the kubelet's author). */
export const PATCHED_SUFFIX = '-jdos.1';

/** The version baked in by build.ts (esbuild define), or KUBE_RELEASE_VERSION when run from source. */
export function releaseVersion(): { version: string; patched: boolean } {
  const version = typeof __KUBE_RELEASE_VERSION__ !== 'undefined' ? __KUBE_RELEASE_VERSION__ : (process.env.KUBE_RELEASE_VERSION ?? '');
  const patched = typeof __KUBE_RELEASE_PATCHED__ !== 'undefined' ? __KUBE_RELEASE_PATCHED__ : process.env.KUBE_RELEASE_PATCHED === '1';
  if (!version) throw new Error('no release version: build with `npm run kube-release -- build`, or set KUBE_RELEASE_VERSION when running from source');
  return { version, patched };
}

/** verflag's `--version` line, and its `--version=raw` form. */
export function versionLines(version: string, patched: boolean): { line: string; raw: string } {
  const git = `${version}${patched ? PATCHED_SUFFIX : ''}`;
  const [major, minor] = version.replace(/^v/, '').split('.');
  return {
    line: `Kubernetes ${git}`,
    raw: `version.Info{Major:"${major}", Minor:"${minor}", GitVersion:"${git}", GitTreeState:"clean", GoVersion:"go1.7.5", Compiler:"gc", Platform:"linux/amd64"}`,
  };
}

/** Flags checked at their default path even when not given (kubelet --require-kubeconfig reads the default kubeconfig). */
function defaultPathChecks(component: Component, flags: ParsedFlags): string[] {
  if (component === 'kubelet' && flags.bool('require-kubeconfig')) return ['kubeconfig'];
  return [];
}

/** Run one binary: parse, --version, preflight files, then the lazily imported component main. */
export async function runEntry(component: Component, load: () => Promise<{ main: ComponentMain }>, argv = process.argv.slice(2)): Promise<void> {
  const { version, patched } = releaseVersion();
  const minor = minorOf(version);
  const { line, raw } = versionLines(version, patched);
  const flags = parseOrExit(component, argv, flagTable(component, minor), line, raw);
  setVerbosity(flags.int('v'));
  preflightFiles(flags, defaultPathChecks(component, flags));
  const { main } = await load();
  try {
    await main(flags, { version, patched, minor, component });
  } catch (e) {
    newLog('server.go').error(`${component}: ${(e as Error).stack ?? e}`);
    process.exit(1);
  }
}
