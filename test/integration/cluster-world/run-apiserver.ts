// Runs the stand-in kube-apiserver from source (for tests, when no release bundle is built):
// `node --import tsx run-apiserver.ts vX.Y.Z FLAGS...` parses FLAGS against that version's
// table with pflag semantics, as the bundled binary does, then calls the component's main.
import { parseOrExit } from '../../kube-release/runtime/flags.js';
import { flagTable, minorOf } from '../../kube-release/flag-tables.js';
import { main } from '../../kube-release/components/apiserver/main.js';

const [version = 'v1.6.13', ...argv] = process.argv.slice(2);
const flags = parseOrExit('kube-apiserver', argv, flagTable('kube-apiserver', minorOf(version)), `Kubernetes ${version}`);
await main(flags, { version, patched: false });
