// oclif hook for an unknown command: a short error and exit 5 (invalid input), instead of
// oclif's "command not found" with exit 2 or 127.
import type { Hook } from '@oclif/core';
import { EXIT } from '../exit-codes.js';
import { helpHint } from '../usage-error.js';

/** Name the unknown command and the closest place to read usage (the topic's help, or drover's). */
const hook: Hook<'command_not_found'> = async function (opts) {
  // with a space separator oclif joins the arguments into the id: `plya site.yml` is 'plya:site.yml'
  const words = opts.id.split(':');
  let depth = 0;
  while (depth < words.length - 1 && opts.config.findTopic(words.slice(0, depth + 1).join(':'))) depth++;
  const topic = depth ? words.slice(0, depth).join(':') : undefined;
  process.stderr.write(`ERROR! unknown command '${words.slice(0, depth + 1).join(' ')}'\n${helpHint(opts.config.bin, topic)}\n`);
  this.exit(EXIT.INVALID_INPUT);
};

export default hook;
