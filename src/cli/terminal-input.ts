// Answers typed by the user: passwords for -k/-K (no echo on a terminal) and --step answers.
// On a terminal each question gets its own readline; from a pipe (tests, scripts) one reader
// hands out stdin's lines in order, so `printf 'sshpw\nbecomepw\n' | drover ... -k -K` works.
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { InputError } from './errors.js';

interface PipedLines {
  rl: Interface;
  queue: string[];
  waiters: ((line: string | undefined) => void)[];
  closed: boolean;
}

let piped: PipedLines | undefined;

function pipedLines(): PipedLines {
  if (piped) return piped;
  const p: PipedLines = { rl: createInterface({ input: process.stdin, terminal: false }), queue: [], waiters: [], closed: false };
  p.rl.on('line', (line) => {
    const waiter = p.waiters.shift();
    if (waiter) waiter(line);
    else p.queue.push(line);
  });
  p.rl.on('close', () => {
    p.closed = true;
    for (const w of p.waiters.splice(0)) w(undefined);
  });
  piped = p;
  return p;
}

/** Ask on the terminal; with `silent` nothing typed is echoed. Ctrl-C is passed on to the process and answers ''. */
function askTerminal(prompt: string, silent: boolean): Promise<string> {
  const out = process.stderr;
  let muted = false;
  // readline echoes what is typed through its output; muting that stream hides a password
  const sink = new Writable({
    write(chunk, _enc, done) {
      if (!muted) out.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output: sink, terminal: true });
  return new Promise((resolve) => {
    rl.on('SIGINT', () => {
      rl.close();
      out.write('\n');
      resolve('');
      process.kill(process.pid, 'SIGINT');
    });
    rl.question(prompt, (answer) => {
      if (silent) out.write('\n');
      rl.close();
      resolve(answer);
    });
    muted = silent;
  });
}

/** One line from the user: typed on a terminal (prompt on stderr), else the next line of stdin. */
export async function readAnswer(prompt: string, { silent = false, what = 'an answer' }: { silent?: boolean; what?: string } = {}): Promise<string> {
  if (process.stdin.isTTY) return askTerminal(prompt, silent);
  const p = pipedLines();
  const line = p.queue.shift() ?? (p.closed ? undefined : await new Promise<string | undefined>((r) => p.waiters.push(r)));
  if (line === undefined) throw new InputError(`stdin ended before ${what} was read (stdin is not a terminal)`);
  return line;
}

/** Stop reading a piped stdin, so a parent that keeps the pipe open cannot hold the process. */
export function closeAnswers(): void {
  piped?.rl.close();
  process.stdin.pause();
  piped = undefined;
}
