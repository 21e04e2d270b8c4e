// Errors the user can act on. Each names where the bad input is (file:line:col, field)
// so the CLI can print it and exit with EXIT.INVALID_INPUT before anything runs.

export interface Location {
  file?: string;
  line?: number;
  col?: number;
}

/** Bad input: playbook, inventory, vars file, CLI flag. Nothing has run when this is thrown. */
export class InputError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly field?: string;
  readonly hint?: string;

  constructor(message: string, where: Location & { field?: string; hint?: string } = {}) {
    super(message);
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
    this.col = where.col;
    this.field = where.field;
    this.hint = where.hint;
  }

  /** "file:line:col: message (field: x)" */
  format(): string {
    let where = '';
    if (this.file) where = this.line ? `${this.file}:${this.line}${this.col ? `:${this.col}` : ''}: ` : `${this.file}: `;
    const field = this.field ? ` (field: ${this.field})` : '';
    const hint = this.hint ? `\n  hint: ${this.hint}` : '';
    return `${where}${this.message}${field}${hint}`;
  }
}

/** A template referenced a variable that does not exist, or failed to render. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}
