// Exit codes, documented in the README and in `drover play --help`.
// Ansible's where it has one (2 failed host, 4 unreachable host), the rest our own.
export const EXIT = {
  OK: 0,
  /** Unexpected internal error. */
  ERROR: 1,
  /** One or more hosts failed a task. */
  HOST_FAILED: 2,
  /** One or more hosts were unreachable (and none failed). */
  HOST_UNREACHABLE: 4,
  /** Invalid input: playbook, inventory, vars or flags. Nothing ran. */
  INVALID_INPUT: 5,
  /** No hosts matched the pattern. */
  NO_HOSTS: 6,
  /** Interrupted by SIGINT/SIGTERM; the recap was printed. */
  INTERRUPTED: 99,
} as const;

export const EXIT_CODE_HELP = `EXIT CODES
  0   every host ok
  1   internal error
  2   a host failed a task
  4   a host was unreachable (none failed)
  5   invalid input (playbook, inventory, vars, flags); nothing ran
  6   no hosts matched
  99  interrupted (Ctrl-C / SIGTERM): commands killed, recap printed, cut-off tasks not counted as failed`;
