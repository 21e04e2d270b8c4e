// The dockerd binary of a stand-in release bundle: Docker 1.12 parses its own command line
// (not pflag, not versioned with Kubernetes), so the entry hands argv straight to the component.
import { main } from '../components/dockerd/main.js';

await main(process.argv.slice(2));
