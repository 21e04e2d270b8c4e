// The kube-scheduler binary of a stand-in release bundle: the shared start-up checks, then the component.
import { runEntry } from '../runtime/entry.js';

await runEntry('kube-scheduler', () => import('../components/scheduler.js'));
