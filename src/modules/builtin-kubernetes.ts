// Placeholder list; the kubernetes modules register here.
import type { ModuleDef } from './types.js';

export const kubernetesModules: ModuleDef[] = [];
