// The kubernetes modules: controller-side, they talk to the API server with the shared client
// (loaded on first use, so the registry stays cheap to import).
import type { ModuleDef } from './types.js';
import { k8sModule } from './kubernetes/apply.js';
import { k8sDrainModule } from './kubernetes/drain.js';
import { k8sInfoModule } from './kubernetes/info.js';
import { k8sNodeLabelModule } from './kubernetes/node-label.js';
import { k8sWaitModule } from './kubernetes/wait.js';

export const kubernetesModules: ModuleDef[] = [k8sModule, k8sDrainModule, k8sInfoModule, k8sNodeLabelModule, k8sWaitModule];
