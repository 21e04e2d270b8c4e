// Jinja2 templating on nunjucks with Ansible's behaviour: strict undefined variables, native
// types for a lone `{{ expr }}`, Python's rendering of None/True/lists, Python string and
// dict methods, and Ansible's filters, tests and lookups.
import nunjucks from 'nunjucks';
import { TemplateError } from '../cli/errors.js';
import { buildFilters, truthy } from './filters.js';
import { installSafeCallLabels } from './call-labels.js';
import { installDictLiterals } from './dict-literals.js';
import { isTuple } from './python-tuple.js';
import { installForIf } from './for-if.js';
import { installPythonPrecedence } from './python-precedence.js';
import { installIfCondition } from './if-condition.js';
import { installForIterable } from './for-iterable.js';
import { installForScope } from './for-scope.js';
import { installPythonAssignments } from './python-assignments.js';
import { installMacroArguments } from './macro-arguments.js';
import { installMacroExtras } from './macro-extras.js';
import { installBlockSetFilter } from './block-set-filter.js';
import { installOutputTuple } from './output-tuple.js';
import { installRecursiveLoops } from './recursive-loops.js';
import { installDottedIndex, noSuchMember, NOT_HANDLED, pythonMember } from './python-item-lookup.js';
import { installLoopVariables } from './loop-variables.js';
import { withKeywords } from './keyword-arguments.js';
import { callLookup } from './lookups/call-lookup.js';
import { installNamespace, Namespace } from './namespace.js';
import { installNestedBraces, loneExpressionWithBraces } from './nested-braces.js';
import { installPythonArithmetic } from './python-arithmetic.js';
import { installPythonNumberLiterals } from './python-number-literal.js';
import { installPythonCompare, pyTypeName } from './python-compare.js';
import { installPythonConcat } from './python-concat.js';
import { isPositional, pyIndex, pySlice } from './python-indexing.js';
import { pyRepr, pyStr } from './python-repr.js';
import { isPyNumber } from './python-float.js';
import { dictMethod, listMethod, numberMember } from './python-container-methods.js';
import { isRawMapping } from './raw-mapping.js';
import { MORE_STRING_METHODS } from './python-str-methods.js';
import { installPythonStringLiterals } from './python-string-literal.js';
import { installPythonTruthiness } from './python-truthiness.js';
import { pythonLiteralEval } from './python-literal-eval.js';
import { escapeBackslashes } from './escape-backslashes.js';
import { normalizeTemplateSource } from './template-source.js';
import { installTestArguments } from './test-arguments.js';
import { TESTS } from './tests.js';
import type { Templar } from './types.js';
import { Undefined } from './undefined-value.js';
import { lipsumRefused } from './lipsum-global.js';
import { nowGlobal } from './now-global.js';
import { ANSIBLE_BUILTIN_FILTERS, ANSIBLE_BUILTIN_TESTS } from './ansible-builtin-names.js';

/** The `omit` placeholder: an argument rendered to this value is dropped from the module call. */
export const OMIT = '__omit_place_holder__d7a1e3f0c2b94e65';

const runtime = (nunjucks as any).runtime;
let patched = false;
let namespaceGlobal: (...args: unknown[]) => unknown;

const STRING_METHODS: Record<string, (s: string, ...a: any[]) => unknown> = {
  startswith: (s, p) => (Array.isArray(p) ? p.some((x) => s.startsWith(x)) : s.startsWith(p)),
  endswith: (s, p) => (Array.isArray(p) ? p.some((x) => s.endsWith(x)) : s.endsWith(p)),
  split: (s, sep, max) => {
    if (sep === undefined || sep === null) return s.trim().split(/\s+/).filter(Boolean);
    const parts = s.split(sep);
    return max !== undefined && max >= 0 && parts.length > max + 1 ? [...parts.slice(0, max), parts.slice(max).join(sep)] : parts;
  },
  rsplit: (s, sep, max) => {
    const parts = s.split(sep ?? ' ');
    return max !== undefined && max >= 0 && parts.length > max + 1 ? [parts.slice(0, parts.length - max).join(sep), ...parts.slice(parts.length - max)] : parts;
  },
  splitlines: (s) => s.split(/\r?\n/).filter((_, i, a) => i < a.length - 1 || a[i] !== ''),
  strip: (s, chars) => (chars ? s.replace(new RegExp(`^[${escapeClass(chars)}]+|[${escapeClass(chars)}]+$`, 'g'), '') : s.trim()),
  lstrip: (s, chars) => (chars ? s.replace(new RegExp(`^[${escapeClass(chars)}]+`), '') : s.trimStart()),
  rstrip: (s, chars) => (chars ? s.replace(new RegExp(`[${escapeClass(chars)}]+$`), '') : s.trimEnd()),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  title: (s) => s.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  replace: (s, a, b) => s.split(a).join(b),
  find: (s, sub) => s.indexOf(sub),
  index: (s, sub) => s.indexOf(sub),
  count: (s, sub) => s.split(sub).length - 1,
  isdigit: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^[A-Za-z]+$/.test(s),
  join: (s, list) => (list as unknown[]).map(pyStr).join(s),
  format: (s, ...args) => {
    let i = 0;
    return s.replace(/\{(\d*)\}/g, (_m, n) => pyStr(args[n === '' ? i++ : Number(n)]));
  },
  zfill: (s, w) => s.padStart(w, '0'),
  ...MORE_STRING_METHODS,
};

function escapeClass(chars: string): string {
  return chars.replace(/[\]\\^-]/g, '\\$&');
}

/** Install the runtime behaviour Ansible playbooks rely on (once per process). */
function patchRuntime(): void {
  if (patched) return;
  patched = true;
  // before jinja-compat, which wraps parseAggregate (for slices) around the one it finds
  installDictLiterals(nunjucks);
  installDottedIndex(nunjucks);
  nunjucks.installJinjaCompat();
  installPythonTruthiness(nunjucks);
  installPythonStringLiterals(nunjucks);
  installPythonNumberLiterals(nunjucks);
  installNestedBraces(nunjucks);
  installForIf(nunjucks);
  installPythonPrecedence(nunjucks);
  installIfCondition(nunjucks);
  installForIterable(nunjucks);
  installForScope(nunjucks);
  installBlockSetFilter(nunjucks);
  installOutputTuple(nunjucks);
  installPythonAssignments(nunjucks);
  installMacroArguments(nunjucks);
  installMacroExtras(nunjucks);
  installLoopVariables(nunjucks);
  installRecursiveLoops(nunjucks);
  installTestArguments(nunjucks);
  installPythonCompare(nunjucks);
  installPythonConcat(nunjucks);
  installSafeCallLabels(nunjucks);
  installPythonArithmetic(nunjucks);
  namespaceGlobal = installNamespace(nunjucks);
  // nunjucks joins a test's arguments without commas (`x is version('1.5', '>=')` breaks):
  // compile them as an argument list instead
  const Compiler = (nunjucks as any).compiler.Compiler;
  Compiler.prototype.compileIs = function (this: any, node: any, frame: unknown) {
    const right = node.right.name ? node.right.name.value : node.right.value;
    this._emit(`env.getTest("${right}").call(context, `);
    this.compile(node.left, frame);
    if (node.right.args) {
      this._emit(',');
      this._compileAggregate(node.right.args, frame);
    }
    this._emit(') === true');
  };
  const lookup = runtime.contextOrFrameLookup;
  runtime.contextOrFrameLookup = function (this: unknown, context: unknown, frame: unknown, name: string) {
    const v = lookup.call(this, context, frame, name);
    if (v === undefined) return new Undefined(name);
    const value = LAZY_SKIP.has(name) ? v : renderNested(v);
    noteVariable(name, value);
    return value;
  };
  const member = runtime.memberLookup;
  runtime.memberLookup = function (this: unknown, obj: any, key: any, ...slice: any[]) {
    if (obj instanceof Undefined) return new Undefined(obj.name);
    // jinja-compat compiles obj[a:b:c] to memberLookup(obj, a, b, c)
    if (slice.length === 2) return pySlice(obj, key, slice[0], slice[1]);
    const python = pythonMember(obj, key);
    if (python !== NOT_HANDLED) return python;
    // a namespace's attributes, never the dict methods jinja-compat offers (ns.items)
    if (obj instanceof Namespace) return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : new Undefined(`'Namespace' object has no attribute '${String(key)}'`);
    if (isPositional(obj) && typeof key === 'number' && Number.isInteger(key)) {
      const item = pyIndex(obj, key);
      return item === undefined ? new Undefined(`'${Array.isArray(obj) ? 'list' : 'str'} object' has no element ${key}`) : typeof item === 'string' ? renderNested(item) : item;
    }
    // dict.get(key, default=None): jinja-compat's gave undefined for a missing key
    if (key === 'get' && obj !== null && typeof obj === 'object' && !Array.isArray(obj) && Object.getPrototypeOf(obj) === Object.prototype && !Object.prototype.hasOwnProperty.call(obj, 'get')) {
      return (k: unknown, dflt: unknown = null) => (Object.prototype.hasOwnProperty.call(obj, String(k)) ? renderNested(obj[String(k)]) : dflt);
    }
    if (Array.isArray(obj) && typeof key === 'string') {
      const m = listMethod(obj, key);
      if (m) return m;
    }
    if (typeof key === 'string' && obj !== null && typeof obj === 'object' && Object.getPrototypeOf(obj) === Object.prototype && !Object.prototype.hasOwnProperty.call(obj, key)) {
      const m = dictMethod(obj, key);
      if (m) return m;
    }
    if (isPyNumber(obj) && typeof key === 'string') {
      const m = numberMember(obj, key);
      if (m !== undefined) return m;
    }
    if (typeof obj === 'string' && typeof key === 'string' && STRING_METHODS[key]) {
      const fn = STRING_METHODS[key]!;
      return (...args: unknown[]) => fn(obj, ...args);
    }
    // a list or str has no other members (not JavaScript's length, nor an item by a text key)
    if (isPositional(obj)) return noSuchMember(obj, key);
    // jinja-compat reads None/False as {} (so none.get('a') was None): None, bools and numbers have no such members;
    // a dict's own key wins over jinja-compat's methods (item['keys'] is the list, not dict.keys)
    const own = obj !== null && typeof obj === 'object' && !Array.isArray(obj) && Object.prototype.hasOwnProperty.call(obj, key);
    const v = obj === null || obj === undefined || typeof obj === 'boolean' || isPyNumber(obj) ? undefined : own ? obj[key] : member.call(this, obj, key);
    if (v === undefined && obj !== null && obj !== undefined && typeof obj === 'object' && !(obj instanceof Number)) {
      const kind = Array.isArray(obj) ? 'list object' : 'dict object';
      return new Undefined(`'${kind}' has no attribute '${String(key)}'`);
    }
    // an attribute or item of a str, number, bool or None is Jinja's undefined too, not ''
    if (v === undefined) return new Undefined(typeof key === 'number' ? `'${pyTypeName(obj)} object has no element ${key}'` : `'${pyTypeName(obj)} object' has no attribute '${String(key)}'`);
    // only strings: rendering a whole mapping here would re-render hostvars[h] recursively
    const value = typeof v === 'string' && !isRawMapping(obj) ? renderNested(v) : v;
    if (typeof key === 'string') noteVariable(key, value);
    return value;
  };
  const suppress = runtime.suppressValue;
  runtime.suppressValue = function (this: unknown, val: unknown, autoescape: boolean) {
    if (val instanceof Undefined) throw undefinedError(val);
    // Ansible's _ansible_finalize: a None printed by {{ }} is '' (inside a list it is still None)
    if (val === null) return '';
    if (typeof val === 'boolean') return val ? 'True' : 'False';
    if (typeof val === 'number') return pyRepr(val);
    // str() of the value: repr() for lists and dicts, a datetime's own str()
    if (Array.isArray(val) || (typeof val === 'object' && val !== null && !(val instanceof String))) return pyStr(val);
    return suppress.call(this, val, autoescape);
  };
  const fromIterator = runtime.fromIterator;
  runtime.fromIterator = function (this: unknown, arr: unknown) {
    if (arr instanceof Undefined) throw undefinedError(arr);
    return fromIterator.call(this, arr);
  };
}

function undefinedError(u: Undefined): TemplateError {
  if (u.name.startsWith("'")) return new TemplateError(u.name, u.name.replace(/^.*attribute '(.*)'$/, '$1'));
  return new TemplateError(`'${u.name}' is undefined`, u.name);
}

/** Vars a template reads are themselves templates, rendered when used (Ansible's lazy vars). */
const active: { templar: NunjucksTemplar; vars: Record<string, unknown> }[] = [];
// `vars` (every variable) is returned as it is, as Ansible's AnsibleJ2Vars does
const LAZY_SKIP = new Set(['hostvars', 'groups', 'ansible_facts', 'omit', 'lookup', 'query', 'q', 'vars']);

function hasTemplate(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return HAS_TEMPLATE.test(v);
  if (depth > 4 || !v || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => hasTemplate(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.values(v).some((x) => hasTemplate(x, depth + 1));
}

/** Tell the running templar's watcher a variable's value as a template saw it (rendered). */
function noteVariable(name: string, value: unknown): void {
  active[active.length - 1]?.templar.onVariable?.(name, value);
}

function renderNested(v: unknown): unknown {
  const top = active[active.length - 1];
  if (!top || active.length > 20 || !hasTemplate(v)) return v;
  return top.templar.render(v, top.vars);
}

const UNDEFINED_OK_FILTERS = new Set(['default', 'd', 'mandatory']);
const UNDEFINED_OK_TESTS = new Set(['defined', 'undefined']);
const UNDEFINED_TYPE_TESTS = new Set(['none', 'true', 'false', 'boolean', 'string', 'number', 'integer', 'float', 'mapping', 'sequence', 'sameas']);

/** Ansible's STRING_TYPE_FILTERS: their text result is kept as text, never literal_eval'd. */
const STRING_TYPE_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);

/** Templar.SINGLE_VAR: `{{ name }}` alone (Python's $ also matches before a final newline). */
const SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}\n?$/;
const SINGLE_EXPR = /^\{\{((?:(?!\{\{|\}\}).)*)\}\}$/s;
const HAS_TEMPLATE = /\{\{|\{%|\{#/;

class NunjucksTemplar implements Templar {
  private readonly env: nunjucks.Environment;
  private readonly cache = new Map<string, nunjucks.Template>();
  private captured: unknown;
  /** Results of STRING_TYPE_FILTERS in the current evaluation (Ansible's NativeJinjaText). */
  private nativeText = new Set<string>();

  constructor(
    searchPaths: string[],
    readonly onVariable?: (name: string, value: unknown) => void,
    private readonly hooks: TemplarHooks = {},
  ) {
    patchRuntime();
    this.env = new nunjucks.Environment(searchPaths.length ? new nunjucks.FileSystemLoader(searchPaths) : null, {
      autoescape: false,
      trimBlocks: true,
      lstripBlocks: false,
      throwOnUndefined: false,
    });
    const applyTest = (name: string, value: unknown, args: unknown[]): boolean => {
      const t = TESTS[name];
      if (!t) throw new TemplateError(`no test named '${name}'`);
      return t(value, ...args);
    };
    const filters = buildFilters(applyTest, (name, value, args) => {
      const f = (this.env as any).getFilter(name);
      return f(value, ...args);
    });
    for (const [name, unmapped] of Object.entries(filters)) {
      const keyworded = withKeywords(name, unmapped);
      const fn = STRING_TYPE_FILTERS.has(name) ? (...args: unknown[]) => this.noteNativeText(keyworded(...args)) : keyworded;
      const wrapped = UNDEFINED_OK_FILTERS.has(name)
        ? fn
        : (...args: unknown[]) => {
            for (const a of args) if (a instanceof Undefined) throw undefinedError(a);
            return fn(...args);
          };
      this.env.addFilter(name, wrapped);
      if (ANSIBLE_BUILTIN_FILTERS.has(name)) this.env.addFilter(`ansible.builtin.${name}`, wrapped);
    }
    for (const [name, fn] of Object.entries(TESTS)) {
      (this.env as any).addTest(name, (...args: unknown[]) => {
        // Jinja's type tests look at an undefined value without touching it: it is none of the types
        if (args[0] instanceof Undefined && UNDEFINED_TYPE_TESTS.has(name)) return false;
        if (!UNDEFINED_OK_TESTS.has(name)) for (const a of args) if (a instanceof Undefined) throw undefinedError(a);
        return fn(args[0], ...args.slice(1));
      });
      if (ANSIBLE_BUILTIN_TESTS.has(name)) (this.env as any).addTest(`ansible.builtin.${name}`, (this.env as any).getTest(name));
    }
    this.env.addGlobal('__drover_capture', (v: unknown) => {
      this.captured = v;
      return '';
    });
    this.env.addGlobal('omit', OMIT);
    this.env.addGlobal('lipsum', lipsumRefused);
    this.env.addGlobal('now', nowGlobal);
    // Jinja's dict() and Ansible's undef(hint=...)
    this.env.addGlobal('dict', (...args: unknown[]) => pyDict(args));
    this.env.addGlobal('undef', (...args: unknown[]) => {
      const kw = args.find((a: any) => a && a.__keywords) as Record<string, unknown> | undefined;
      return new Undefined(`'${String(kw?.hint ?? 'undef')}'`);
    });
    // `'upper' is filter`, `'odd' is test`: as Ansible's plugin loader, an unknown name is an error
    const known = (table: Record<string, unknown>) => (name: unknown) => {
      if (typeof name !== 'string') throw new TemplateError(`key must be a string, got ${pyTypeName(name)} instead`);
      if (!table[name]) throw new TemplateError(`Could not load "${name}": '${name}'`);
      return true;
    };
    (this.env as any).addTest('filter', known((this.env as any).filters));
    (this.env as any).addTest('test', known((this.env as any).tests));
    this.env.addGlobal('namespace', namespaceGlobal);
    const lookup = (kind: string, wantlist: boolean, terms: unknown[]): unknown => {
      const kw = terms.find((t: any) => t && t.__keywords) as Record<string, unknown> | undefined;
      const args = terms.filter((t: any) => !(t && t.__keywords));
      for (const a of args) if (a instanceof Undefined) throw undefinedError(a);
      const { __keywords: _k, ...options } = kw ?? {};
      const vars = active[active.length - 1]?.vars ?? {};
      return callLookup(kind, args, wantlist ? { ...options, wantlist: true } : options, { vars, templar: this, onSecret: this.hooks.onSecret, warn: this.hooks.onWarning });
    };
    this.env.addGlobal('lookup', (kind: string, ...terms: unknown[]) => lookup(kind, false, terms));
    // query/q: always a list (Ansible sets wantlist=True)
    this.env.addGlobal('query', (kind: string, ...terms: unknown[]) => lookup(kind, true, terms));
    this.env.addGlobal('q', (kind: string, ...terms: unknown[]) => lookup(kind, true, terms));
  }

  private noteNativeText(v: unknown): unknown {
    if (typeof v === 'string') this.nativeText.add(v);
    return v;
  }

  private compile(source: string): nunjucks.Template {
    let t = this.cache.get(source);
    if (!t) {
      try {
        t = new nunjucks.Template(normalizeTemplateSource(source), this.env, undefined, true);
      } catch (err) {
        throw new TemplateError(`template error while templating string: ${cleanMessage(err)}. String: ${source}`);
      }
      if (this.cache.size > 5000) this.cache.clear();
      this.cache.set(source, t);
    }
    return t;
  }

  private run(source: string, vars: Record<string, unknown>): string {
    active.push({ templar: this, vars });
    try {
      return this.compile(source).render(vars);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      const cause = findTemplateError(err);
      if (cause) throw cause;
      throw new TemplateError(`template error while templating string: ${cleanMessage(err)}. String: ${source}`);
    } finally {
      active.pop();
    }
  }

  isTemplate(value: unknown): boolean {
    return typeof value === 'string' && HAS_TEMPLATE.test(value);
  }

  evaluate(expr: string, vars: Record<string, unknown>): unknown {
    this.captured = undefined;
    // through {% set %}: nunjucks miscompiles `x is test(args)` inside a call's arguments
    this.run(`{% set __drover_v = (${expr}) %}{{ __drover_capture(__drover_v) }}`, vars);
    const v = this.captured;
    this.captured = undefined;
    if (v instanceof Undefined) throw undefinedError(v);
    return v;
  }

  render(value: unknown, vars: Record<string, unknown>): unknown {
    if (typeof value === 'string') {
      if (!HAS_TEMPLATE.test(value)) return value;
      return this.renderValue(value, vars);
    }
    if (Array.isArray(value)) return value.map((v) => this.render(v, vars));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.isTemplate(k) ? String(this.render(k, vars)) : k] = this.render(v, vars);
      return out;
    }
    return value;
  }

  /**
   * Ansible's rules for a templated value (Templar.template, jinja2_native off): `{{ name }}`
   * of a number, bool or None is returned as it is; otherwise backslashes in string literals
   * inside {{ }} are doubled, Jinja drops one trailing newline of the source, and the output is
   * text (ansible_eval_concat: `{{ 1 + 2 }}` is '3', a printed None is '') unless it looks
   * like a list, dict or boolean and literal_eval takes it back; a string result gets the
   * source's trailing newlines back.
   */
  private renderValue(source: string, vars: Record<string, unknown>): unknown {
    const only = SINGLE_VAR.exec(source);
    if (only && Object.prototype.hasOwnProperty.call(vars, only[1]!)) {
      const v = vars[only[1]!];
      if (v === null || typeof v === 'boolean' || isPyNumber(v)) return v;
    }
    source = escapeBackslashes(source);
    const trailing = /\n*$/.exec(source)![0].length;
    const body = trailing ? source.slice(0, -1) : source;
    const lone = SINGLE_EXPR.exec(body)?.[1] ?? loneExpressionWithBraces(nunjucks, body);
    let text: string;
    if (lone !== undefined) {
      this.nativeText.clear();
      const v = this.evaluate(lone, vars);
      // a string from to_json, string... is NativeJinjaText: Ansible never converts it back
      if (typeof v === 'string' && this.nativeText.has(v)) {
        this.nativeText.clear();
        return withTrailingNewlines(v, trailing);
      }
      this.nativeText.clear();
      // a single node is to_text()'d (an undefined item fails there); lists, dicts and
      // booleans come back from literal_eval as they were, so they stay native here
      throwIfUndefinedInside(v);
      if (typeof v === 'boolean' || (Array.isArray(v) && !isTuple(v)) || (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype)) return v;
      text = v === null ? '' : pyStr(v);
    } else text = this.run(body, vars);
    if (text === 'True' || text === 'False') return text === 'True';
    if (text.startsWith('[') || text.startsWith('{')) {
      const literal = pythonLiteralEval(text);
      if (literal !== undefined) return literal.value;
    }
    return withTrailingNewlines(text, trailing);
  }

  /** Ansible's do_template for text: the output keeps at least the source's trailing newlines. */
  renderString(text: string, vars: Record<string, unknown>): string {
    // Jinja writes its newline_sequence (\n) even for text without any template in it
    if (!HAS_TEMPLATE.test(text)) return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    return withTrailingNewlines(this.run(text, vars), /\n*$/.exec(text.replace(/\r\n?/g, '\n'))![0].length);
  }

  /**
   * Ansible's Conditional: an empty condition is true; a template in it is rendered first (a
   * non-text result is judged as it is); the text is then evaluated as `{% if <text> %}`, so
   * `when: "{{ flag }}"` with flag 'false' reads the Jinja literal false, and a quoted
   * `'0'` is a non-empty string, true.
   */
  isTrue(condition: unknown, vars: Record<string, unknown>): boolean {
    if (Array.isArray(condition)) return condition.every((c) => this.isTrue(c, vars));
    if (condition === null || condition === undefined || condition === '') return true;
    if (typeof condition === 'boolean') return condition;
    if (typeof condition !== 'string') return truthy(condition);
    let text: unknown = condition;
    if (HAS_TEMPLATE.test(condition)) {
      text = this.render(condition, vars);
      if (typeof text !== 'string' || text === '') return truthy(text);
    }
    const out = this.run(`{% if ${text as string} %} True {% else %} False {% endif %}`, vars).trim();
    return out === 'True';
  }
}

/** Python's dict(): from pairs and/or keyword arguments. */
function pyDict(args: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) {
    if (a && typeof a === 'object' && (a as Record<string, unknown>).__keywords) {
      for (const [k, v] of Object.entries(a as Record<string, unknown>)) if (k !== '__keywords') out[k] = v;
    } else if (Array.isArray(a)) {
      for (const pair of a) {
        if (!Array.isArray(pair) || pair.length !== 2) throw new TemplateError('dictionary update sequence element has wrong length; 2 is required');
        out[pyStr(pair[0])] = pair[1];
      }
    } else if (a && typeof a === 'object') Object.assign(out, a);
    else throw new TemplateError(`'${pyTypeName(a)}' object is not iterable`);
  }
  return out;
}

/** An undefined value nested in a list or dict result is the error Ansible raises for it. */
function throwIfUndefinedInside(v: unknown, depth = 0): void {
  if (v instanceof Undefined) throw undefinedError(v);
  if (depth > 20 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) for (const x of v) throwIfUndefinedInside(x, depth + 1);
  else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) throwIfUndefinedInside(x, depth + 1);
}

/** A string result gets back the source's trailing newlines that Jinja dropped. */
function withTrailingNewlines(text: string, trailing: number): string {
  const have = /\n*$/.exec(text)![0].length;
  return trailing > have ? text + '\n'.repeat(trailing - have) : text;
}

function cleanMessage(err: unknown): string {
  return String((err as Error)?.message ?? err).replace(/^\(unknown path\)\s*/, '').replace(/\s+/g, ' ').trim();
}

function findTemplateError(err: unknown): TemplateError | undefined {
  let e: any = err;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof TemplateError) return e;
    e = e.cause;
  }
  // nunjucks wraps errors thrown from filters into its own Template render error, keeping the message
  const msg = String((err as Error)?.message ?? '');
  const m = /'([^']+)' is undefined/.exec(msg);
  if (m) return new TemplateError(`'${m[1]}' is undefined`, m[1]);
  const attr = /('(?:dict|list) object' has no attribute '([^']+)')/.exec(msg);
  if (attr) return new TemplateError(attr[1]!, attr[2]);
  return undefined;
}

/** What lookups report: a value to mask in output (password), a warning (errors=warn). */
export interface TemplarHooks {
  onSecret?: (value: string) => void;
  onWarning?: (message: string) => void;
}

/**
 * A Templar for a run. searchPaths are where `{% include %}` looks; onVariable sees every
 * variable a template reads, with its rendered value (how secret values are learnt).
 */
export function createTemplar(options: { searchPaths?: string[]; onVariable?: (name: string, value: unknown) => void } & TemplarHooks = {}): Templar {
  return new NunjucksTemplar(options.searchPaths ?? [], options.onVariable, { onSecret: options.onSecret, onWarning: options.onWarning });
}
