// The kube-proxy binary of a stand-in release bundle: the shared start-up checks, then the component.
import { runEntry } from '../runtime/entry.js';

await runEntry('kube-proxy', () => import('../components/kube-proxy.js'));
