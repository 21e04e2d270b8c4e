// The file-changing modules.
import type { ModuleDef } from './types.js';
import { blockinfileModule } from './files/blockinfile.js';
import { copyModule, templateModule } from './files/copy.js';
import { fetchModule } from './files/fetch.js';
import { fileModule } from './files/file.js';
import { lineinfileModule } from './files/lineinfile.js';
import { replaceModule } from './files/replace.js';
import { statModule } from './files/stat.js';

export const fileModules: ModuleDef[] = [copyModule, templateModule, fileModule, lineinfileModule, blockinfileModule, replaceModule, statModule, fetchModule];
