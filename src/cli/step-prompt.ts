// --step: before each task, ask "(N)o/(y)es/(c)ontinue" as ansible-playbook does; "c" runs the
// rest without asking. Anything else, or just Enter, skips the task. `ask` is the run's
// prompter (src/output/prompter.ts), which also turns Ctrl-C into the run's interrupt.

/** A function the runner calls before each task: true to run it, false to skip it. */
export function stepPrompter(ask: (prompt: string) => Promise<string>): (taskName: string) => Promise<boolean> {
  let asking = true;
  return async (taskName) => {
    if (!asking) return true;
    const answer = (await ask(`Perform task: TASK: ${taskName} (N)o/(y)es/(c)ontinue:`)).trim().toLowerCase();
    if (answer === 'y' || answer === 'yes') return true;
    if (answer === 'c' || answer === 'continue') {
      asking = false;
      return true;
    }
    return false;
  };
}
