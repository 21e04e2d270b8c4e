// The command family and controller-side modules.
import type { ModuleDef } from './types.js';
import { commandModule, rawModule, shellModule } from './commands/command.js';
import { pingModule } from './commands/ping.js';
import { assertModule, debugModule, failModule, pauseModule, setFactModule } from './commands/controller.js';
import { serviceModule, systemdModule } from './commands/service.js';
import { uriModule } from './commands/uri.js';
import { waitForModule } from './commands/wait-for.js';
import { gatherFactsModule, setupModule } from './facts/setup.js';

export const commandModules: ModuleDef[] = [
  commandModule,
  shellModule,
  rawModule,
  debugModule,
  setFactModule,
  assertModule,
  failModule,
  pauseModule,
  waitForModule,
  serviceModule,
  systemdModule,
  uriModule,
  pingModule,
  setupModule,
  gatherFactsModule,
];

/** Modules whose arguments are free keys (not declared). */
export const OPEN_ARG_MODULES = new Set(['set_fact']);
