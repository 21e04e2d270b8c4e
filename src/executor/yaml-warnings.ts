// Routes YAML warnings (duplicate keys) during a run: each goes to stderr at once, as Ansible
// prints its warnings, and, once a --json reporter exists, also as a `warning` event, so a
// machine reading the event stream sees what a person reading the terminal sees.
import { setYamlWarningListener, type YamlWarningListener } from '../playbook/yaml-source.js';

/** Handle for the run: attach the event sink when the reporter exists, stop at the end. */
export interface YamlWarningRoute {
  attach(emit: (message: string) => void): void;
  stop(): void;
}

/** Start routing YAML warnings for one run (files are read both before and during it). */
export function routeYamlWarnings(write: (line: string) => void = (line) => void process.stderr.write(`${line}\n`)): YamlWarningRoute {
  const queued: string[] = [];
  let sink: ((message: string) => void) | undefined;
  const previous: YamlWarningListener = setYamlWarningListener((message) => {
    write(`[WARNING]: ${message}`);
    if (sink) sink(message);
    else queued.push(message);
  });
  return {
    attach(emit) {
      sink = emit;
      for (const m of queued.splice(0)) emit(m);
    },
    stop() {
      setYamlWarningListener(previous);
    },
  };
}
