// Placeholder list; the commands modules register here.
import type { ModuleDef } from './types.js';

export const commandModules: ModuleDef[] = [];
