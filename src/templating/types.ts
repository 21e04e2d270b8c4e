// The templating contract used by the executor and modules.

export interface Templar {
  /**
   * Render a value that may contain Jinja2 templates. A string that is exactly one
   * `{{ expr }}` returns the expression's native value (list, dict, number, bool);
   * other strings render to strings; arrays and objects are rendered deeply.
   * Throws TemplateError naming the undefined variable.
   */
  render(value: unknown, vars: Record<string, unknown>): unknown;
  /** Render to a string (template module, names). */
  renderString(text: string, vars: Record<string, unknown>): string;
  /** Evaluate a bare Jinja2 expression (`when`, `changed_when`, `until`...) to its native value. */
  evaluate(expr: string, vars: Record<string, unknown>): unknown;
  /** Evaluate a condition: a string expression, a boolean, or a list of them (all must hold). */
  isTrue(condition: unknown, vars: Record<string, unknown>): boolean;
  /** True if the string contains template syntax. */
  isTemplate(value: unknown): boolean;
}
