// The kube-controller-manager binary of a stand-in release bundle: the shared start-up checks, then the component.
import { runEntry } from '../runtime/entry.js';

await runEntry('kube-controller-manager', () => import('../components/controller-manager.js'));
