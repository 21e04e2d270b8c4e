// Placeholder list; the files modules register here.
import type { ModuleDef } from './types.js';

export const fileModules: ModuleDef[] = [];
