// Jinja's lipsum() global: Ansible has it (so `lipsum is defined` is true), but its text is
// random on every call; Drover refuses the call by name rather than print different words.
import { TemplateError } from '../cli/errors.js';

/** lipsum(n=5, html=True, min=20, max=100), refused. */
export function lipsumRefused(): never {
  throw new TemplateError("lipsum() is not supported by Drover: its placeholder text is random on every call, so no run could match Ansible's; write the text in the template");
}
