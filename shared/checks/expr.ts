/**
 * A small interpreter for JavaScript *expressions* over an attempt's output,
 * used by the `js` check.
 *
 * Why an interpreter and not `new Function`: the app's Content-Security-Policy
 * is `script-src 'self'` with no `'unsafe-eval'` (shared/bridge/security.ts),
 * and it reaches workers too, so eval is not available anywhere in the
 * renderer. Interpreting a subset also makes the sandbox a whitelist rather
 * than a blacklist: the expression sees only the names in its scope and a few
 * pure globals (JSON, Math, Number, String, Object.keys …) — no fetch, no
 * XMLHttpRequest, no importScripts, no globalThis — so it cannot reach the
 * network whatever it does.
 *
 * Supported: literals (numbers, strings, template strings, regex, arrays,
 * objects), `! - + typeof`, arithmetic, comparison, `&& || ??`, `in`,
 * `?:`, member access (`.x`, `?.x`, `[i]`), calls of whitelisted functions and
 * of methods of strings, numbers, arrays, regexes and plain objects, and arrow
 * functions (`x => …`, `(a, b) => …`) for `.some`, `.every`, `.map`, ….
 * Not supported: assignment, statements, `new`, `this`, function declarations.
 *
 * The runner puts evaluation in a Web Worker with a time limit (runner.ts); the
 * step budget here is a second fence that also works in Node.
 */

export class ExprError extends Error {
  constructor(message: string, readonly pos?: number) {
    super(pos === undefined ? message : `${message} (at ${pos + 1})`);
    this.name = 'ExprError';
  }
}

type Tok =
  | { t: 'num'; v: number; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'tpl'; parts: (string | Node)[]; pos: number }
  | { t: 'id'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'regex'; pattern: string; flags: string; pos: number }
  | { t: 'eof'; pos: number };

export type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'regex'; pattern: string; flags: string }
  | { k: 'tpl'; parts: (string | Node)[] }
  | { k: 'id'; name: string; pos: number }
  | { k: 'arr'; items: Node[] }
  | { k: 'obj'; entries: [string | Node, Node][] }
  | { k: 'un'; op: string; arg: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'cond'; test: Node; yes: Node; no: Node }
  | { k: 'mem'; obj: Node; prop: Node | string; optional: boolean; pos: number }
  | { k: 'call'; callee: Node; args: Node[]; optional: boolean; pos: number }
  | { k: 'arrow'; params: string[]; body: Node };

const PUNCT = ['?.', '??', '===', '!==', '==', '!=', '<=', '>=', '&&', '||', '=>', '...', '**', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}'];

class Lexer {
  i = 0;
  constructor(readonly src: string) {}

  private ws() {
    const s = this.src;
    for (;;) {
      while (this.i < s.length && /\s/.test(s[this.i]!)) this.i++;
      if (s.startsWith('//', this.i)) {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else if (s.startsWith('/*', this.i)) {
        const end = s.indexOf('*/', this.i + 2);
        if (end < 0) throw new ExprError('Unclosed comment', this.i);
        this.i = end + 2;
      } else return;
    }
  }

  /** `regexOk`: the parser expects an operand, so `/` starts a regex literal. */
  next(regexOk: boolean): Tok {
    this.ws();
    const s = this.src;
    const pos = this.i;
    if (this.i >= s.length) return { t: 'eof', pos };
    const c = s[this.i]!;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[this.i + 1] ?? ''))) {
      const m = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(s.slice(this.i))!;
      this.i += m[0].length;
      return { t: 'num', v: Number(m[0]), pos };
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(s.slice(this.i))!;
      this.i += m[0].length;
      return { t: 'id', v: m[0], pos };
    }
    if (c === '"' || c === "'") return { t: 'str', v: this.string(c), pos };
    if (c === '`') return { t: 'tpl', parts: this.template(), pos };
    if (c === '/' && regexOk) return this.regex();
    for (const p of PUNCT) {
      if (s.startsWith(p, this.i)) {
        // `?.5` is a conditional followed by a number, not optional chaining.
        if (p === '?.' && /[0-9]/.test(s[this.i + 2] ?? '')) continue;
        this.i += p.length;
        return { t: 'op', v: p, pos };
      }
    }
    if (c === '=' || c === '&' || c === '|') throw new ExprError(`Assignment and bitwise operators are not supported: “${c}”`, pos);
    throw new ExprError(`Unexpected character “${c}”`, pos);
  }

  private escape(): string {
    const s = this.src;
    const c = s[this.i++];
    switch (c) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case '0': return '\0';
      case 'u': {
        if (s[this.i] === '{') {
          const end = s.indexOf('}', this.i);
          const cp = parseInt(s.slice(this.i + 1, end), 16);
          this.i = end + 1;
          return String.fromCodePoint(cp);
        }
        const hex = s.slice(this.i, this.i + 4);
        this.i += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      case 'x': {
        const hex = s.slice(this.i, this.i + 2);
        this.i += 2;
        return String.fromCharCode(parseInt(hex, 16));
      }
      case undefined: throw new ExprError('Unfinished escape', this.i);
      default: return c;
    }
  }

  private string(q: string): string {
    const start = this.i++;
    let out = '';
    while (this.i < this.src.length) {
      const c = this.src[this.i++]!;
      if (c === q) return out;
      if (c === '\\') out += this.escape();
      else if (c === '\n') break;
      else out += c;
    }
    throw new ExprError('Unclosed string', start);
  }

  private template(): (string | Node)[] {
    const start = this.i++;
    const parts: (string | Node)[] = [];
    let buf = '';
    while (this.i < this.src.length) {
      const c = this.src[this.i++]!;
      if (c === '`') {
        if (buf) parts.push(buf);
        return parts;
      }
      if (c === '\\') buf += this.escape();
      else if (c === '$' && this.src[this.i] === '{') {
        if (buf) parts.push(buf);
        buf = '';
        this.i++;
        const p = new Parser(this);
        parts.push(p.expression());
        const close = this.next(false);
        if (close.t !== 'op' || close.v !== '}') throw new ExprError('Expected “}” in template', close.pos);
      } else buf += c;
    }
    throw new ExprError('Unclosed template string', start);
  }

  private regex(): Tok {
    const s = this.src;
    const pos = this.i++;
    let inClass = false;
    let pattern = '';
    while (this.i < s.length) {
      const c = s[this.i++]!;
      if (c === '\\') {
        pattern += c + (s[this.i++] ?? '');
        continue;
      }
      if (c === '\n') break;
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) {
        const m = /^[a-z]*/.exec(s.slice(this.i))!;
        this.i += m[0].length;
        try {
          new RegExp(pattern, m[0]);
        } catch (e) {
          throw new ExprError(`Invalid regex: ${(e as Error).message}`, pos);
        }
        return { t: 'regex', pattern, flags: m[0], pos };
      }
      pattern += c;
    }
    throw new ExprError('Unclosed regex', pos);
  }
}

const BINARY: Record<string, number> = {
  '??': 1,
  '||': 2,
  '&&': 3,
  '==': 6, '!=': 6, '===': 6, '!==': 6,
  '<': 7, '>': 7, '<=': 7, '>=': 7, in: 7,
  '+': 9, '-': 9,
  '*': 10, '/': 10, '%': 10,
  '**': 11,
};

class Parser {
  private tok: Tok;
  constructor(private readonly lx: Lexer) {
    this.tok = lx.next(true);
  }

  /** Consumes the current token. Whether a `/` next starts a regex follows from it, as in JS. */
  private advance(): Tok {
    const t = this.tok;
    const regexOk = t.t === 'op' ? !(t.v === ')' || t.v === ']' || t.v === '}') : t.t === 'id' && (t.v === 'typeof' || t.v === 'in' || t.v === 'void');
    this.tok = this.lx.next(regexOk);
    return t;
  }

  private isOp(v: string): boolean {
    return this.tok.t === 'op' && this.tok.v === v;
  }

  private expect(v: string): void {
    if (!this.isOp(v)) throw new ExprError(`Expected “${v}”`, this.tok.pos);
    this.advance();
  }

  /** Parses one expression and leaves the lexer right after it (for template `${}`). */
  expression(): Node {
    const node = this.conditional();
    // Hand the lookahead back: the template reader continues from it.
    this.lx.i = this.tok.pos;
    return node;
  }

  parseAll(): Node {
    const node = this.conditional();
    if (this.tok.t !== 'eof') throw new ExprError('Unexpected input after the expression', this.tok.pos);
    return node;
  }

  private conditional(): Node {
    if (this.arrowAhead()) return this.arrow();
    const test = this.binary(0);
    if (!this.isOp('?')) return test;
    this.advance();
    const yes = this.conditional();
    this.expect(':');
    const no = this.conditional();
    return { k: 'cond', test, yes, no };
  }

  /** `x =>` or `(…) =>`: looks ahead in the source without consuming. */
  private arrowAhead(): boolean {
    const rest = this.lx.src.slice(this.tok.pos);
    if (this.tok.t === 'id') return /^[A-Za-z_$][A-Za-z0-9_$]*\s*=>/.test(rest);
    if (this.isOp('(')) return /^\(\s*(?:[A-Za-z_$][A-Za-z0-9_$]*\s*(?:,\s*[A-Za-z_$][A-Za-z0-9_$]*\s*)*)?\)\s*=>/.test(rest);
    return false;
  }

  private arrow(): Node {
    const params: string[] = [];
    if (this.tok.t === 'id') {
      params.push(this.tok.v);
      this.advance();
    } else {
      this.expect('(');
      while (!this.isOp(')')) {
        const t = this.advance();
        if (t.t !== 'id') throw new ExprError('Expected a parameter name', t.pos);
        params.push(t.v);
        if (this.isOp(',')) this.advance();
      }
      this.advance();
    }
    this.expect('=>');
    return { k: 'arrow', params, body: this.conditional() };
  }

  private binary(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.tok;
      const op = t.t === 'op' ? t.v : t.t === 'id' && t.v === 'in' ? 'in' : null;
      const prec = op ? BINARY[op] : undefined;
      if (op === null || prec === undefined || prec <= minPrec) return left;
      this.advance();
      // `**` is right-associative: its right side may hold another `**`.
      const right = this.binary(op === '**' ? prec - 1 : prec);
      left = { k: 'bin', op, l: left, r: right };
    }
  }

  private unary(): Node {
    const t = this.tok;
    if (t.t === 'op' && (t.v === '!' || t.v === '-' || t.v === '+')) {
      this.advance();
      return { k: 'un', op: t.v, arg: this.unary() };
    }
    if (t.t === 'id' && (t.v === 'typeof' || t.v === 'void')) {
      this.advance();
      return { k: 'un', op: t.v, arg: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(node: Node): Node {
    for (;;) {
      const t = this.tok;
      if (t.t !== 'op') return node;
      if (t.v === '.' || t.v === '?.') {
        this.advance();
        const optional = t.v === '?.';
        if (optional && this.isOp('(')) {
          node = { k: 'call', callee: node, args: this.args(), optional: true, pos: t.pos };
          continue;
        }
        if (optional && this.isOp('[')) {
          this.advance();
          const prop = this.conditional();
          this.expect(']');
          node = { k: 'mem', obj: node, prop, optional: true, pos: t.pos };
          continue;
        }
        const name = this.advance();
        if (name.t !== 'id') throw new ExprError('Expected a property name', name.pos);
        node = { k: 'mem', obj: node, prop: name.v, optional, pos: name.pos };
      } else if (t.v === '[') {
        this.advance();
        const prop = this.conditional();
        this.expect(']');
        node = { k: 'mem', obj: node, prop, optional: false, pos: t.pos };
      } else if (t.v === '(') {
        node = { k: 'call', callee: node, args: this.args(), optional: false, pos: t.pos };
      } else return node;
    }
  }

  private args(): Node[] {
    this.expect('(');
    const args: Node[] = [];
    while (!this.isOp(')')) {
      args.push(this.conditional());
      if (!this.isOp(')')) this.expect(',');
    }
    this.advance();
    return args;
  }

  private primary(): Node {
    const t = this.advance();
    switch (t.t) {
      case 'num':
      case 'str':
        return { k: 'lit', v: t.v };
      case 'tpl':
        return { k: 'tpl', parts: t.parts };
      case 'regex':
        return { k: 'regex', pattern: t.pattern, flags: t.flags };
      case 'id':
        if (t.v === 'true') return { k: 'lit', v: true };
        if (t.v === 'false') return { k: 'lit', v: false };
        if (t.v === 'null') return { k: 'lit', v: null };
        if (t.v === 'undefined') return { k: 'lit', v: undefined };
        if (['new', 'this', 'function', 'class', 'import', 'await', 'yield', 'delete', 'let', 'var', 'const'].includes(t.v)) {
          throw new ExprError(`“${t.v}” is not supported in a check expression`, t.pos);
        }
        return { k: 'id', name: t.v, pos: t.pos };
      case 'op':
        if (t.v === '(') {
          const inner = this.conditional();
          this.expect(')');
          return inner;
        }
        if (t.v === '[') {
          const items: Node[] = [];
          while (!this.isOp(']')) {
            items.push(this.conditional());
            if (!this.isOp(']')) this.expect(',');
          }
          this.advance();
          return { k: 'arr', items };
        }
        if (t.v === '{') {
          const entries: [string | Node, Node][] = [];
          while (!this.isOp('}')) {
            const key = this.advance();
            let name: string | Node;
            if (key.t === 'id' || key.t === 'str') name = String(key.v);
            else if (key.t === 'num') name = String(key.v);
            else if (key.t === 'op' && key.v === '[') {
              name = this.conditional();
              this.expect(']');
            } else throw new ExprError('Expected a property name', key.pos);
            if (this.isOp(':')) {
              this.advance();
              entries.push([name, this.conditional()]);
            } else if (typeof name === 'string' && key.t === 'id') {
              entries.push([name, { k: 'id', name, pos: key.pos }]);
            } else throw new ExprError('Expected “:”', this.tok.pos);
            if (!this.isOp('}')) this.expect(',');
          }
          this.advance();
          return { k: 'obj', entries };
        }
        throw new ExprError(`Unexpected “${t.v}”`, t.pos);
      case 'eof':
        throw new ExprError('Unexpected end of expression', t.pos);
    }
  }
}

export function parseExpr(src: string): Node {
  return new Parser(new Lexer(src)).parseAll();
}

/** Properties never read, whatever the object: they lead to constructors and prototypes. */
const BLOCKED = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

/** The globals an expression may use besides its scope. Frozen copies, so nothing can be swapped. */
const GLOBALS: Record<string, unknown> = Object.freeze({
  JSON: Object.freeze({ parse: (s: string) => JSON.parse(s), stringify: (v: unknown, _r?: unknown, sp?: number | string) => JSON.stringify(v, null, sp) }),
  Math,
  Number: Object.freeze({ isInteger: Number.isInteger, isFinite: Number.isFinite, isNaN: Number.isNaN, parseFloat: Number.parseFloat, parseInt: Number.parseInt }),
  String: Object.freeze({ fromCharCode: String.fromCharCode, fromCodePoint: String.fromCodePoint }),
  Array: Object.freeze({ isArray: Array.isArray, from: (v: Iterable<unknown> | ArrayLike<unknown>) => Array.from(v) }),
  Object: Object.freeze({ keys: Object.keys, values: Object.values, entries: Object.entries }),
  parseInt,
  parseFloat,
  isNaN,
  isFinite,
  num: (v: unknown) => Number(v),
  str: (v: unknown) => String(v),
  bool: (v: unknown) => Boolean(v),
  NaN,
  Infinity,
});

/** Callables the interpreter may invoke: whitelisted globals, their members, and methods of ordinary values. */
function callable(fn: unknown): fn is (...a: unknown[]) => unknown {
  return typeof fn === 'function' && fn !== Function && fn !== Function.prototype.constructor;
}

export interface EvalOptions {
  /** Evaluation steps before giving up (a second fence besides the worker's time limit). */
  maxSteps?: number;
}

/** Evaluates an expression with the given scope. Throws ExprError (or the error the expression raised). */
export function evaluateExpr(src: string | Node, scope: Record<string, unknown>, opts: EvalOptions = {}): unknown {
  const ast = typeof src === 'string' ? parseExpr(src) : src;
  let steps = opts.maxSteps ?? 5_000_000;
  const tick = () => {
    if (--steps < 0) throw new ExprError('Step limit reached (the expression does too much work)');
  };

  const lookup = (name: string, env: Map<string, unknown>[], pos: number): unknown => {
    for (let i = env.length - 1; i >= 0; i--) if (env[i]!.has(name)) return env[i]!.get(name);
    if (Object.prototype.hasOwnProperty.call(scope, name)) return scope[name];
    if (Object.prototype.hasOwnProperty.call(GLOBALS, name)) return GLOBALS[name];
    throw new ExprError(`Unknown name “${name}”`, pos);
  };

  const getProp = (obj: unknown, key: unknown, pos: number): unknown => {
    if (obj === null || obj === undefined) throw new ExprError(`Cannot read “${String(key)}” of ${String(obj)}`, pos);
    const k = typeof key === 'symbol' ? key : String(key);
    if (typeof k === 'string' && BLOCKED.has(k)) throw new ExprError(`Property “${k}” is not available`, pos);
    if (typeof k === 'symbol') throw new ExprError('Symbol properties are not available', pos);
    return (obj as Record<string, unknown>)[k];
  };

  const ev = (n: Node, env: Map<string, unknown>[]): unknown => {
    tick();
    switch (n.k) {
      case 'lit':
        return n.v;
      case 'regex':
        return new RegExp(n.pattern, n.flags);
      case 'tpl':
        return n.parts.map((p) => (typeof p === 'string' ? p : String(ev(p, env)))).join('');
      case 'id':
        return lookup(n.name, env, n.pos);
      case 'arr':
        return n.items.map((i) => ev(i, env));
      case 'obj': {
        const o: Record<string, unknown> = {};
        for (const [k, v] of n.entries) {
          const key = typeof k === 'string' ? k : String(ev(k, env));
          if (BLOCKED.has(key)) throw new ExprError(`Property “${key}” is not available`);
          o[key] = ev(v, env);
        }
        return o;
      }
      case 'un': {
        if (n.op === 'typeof') {
          if (n.arg.k === 'id') {
            try {
              return typeof ev(n.arg, env);
            } catch {
              return 'undefined';
            }
          }
          return typeof ev(n.arg, env);
        }
        const v = ev(n.arg, env);
        if (n.op === '!') return !v;
        if (n.op === '-') return -(v as number);
        if (n.op === '+') return +(v as number);
        return undefined; // void
      }
      case 'bin': {
        if (n.op === '&&') return ev(n.l, env) && ev(n.r, env);
        if (n.op === '||') return ev(n.l, env) || ev(n.r, env);
        if (n.op === '??') return ev(n.l, env) ?? ev(n.r, env);
        const l = ev(n.l, env) as never;
        const r = ev(n.r, env) as never;
        switch (n.op) {
          case '+': return (l as number) + (r as number);
          case '-': return l - r;
          case '*': return l * r;
          case '/': return l / r;
          case '%': return l % r;
          case '**': return (l as number) ** (r as number);
          case '<': return l < r;
          case '>': return l > r;
          case '<=': return l <= r;
          case '>=': return l >= r;
          case '==': return l == r;
          case '!=': return l != r;
          case '===': return l === r;
          case '!==': return l !== r;
          case 'in':
            if (r === null || typeof r !== 'object') throw new ExprError('Right side of “in” must be an object');
            return String(l) in (r as object);
        }
        throw new ExprError(`Unknown operator ${n.op}`);
      }
      case 'cond':
        return ev(n.test, env) ? ev(n.yes, env) : ev(n.no, env);
      case 'mem': {
        const obj = ev(n.obj, env);
        if (n.optional && (obj === null || obj === undefined)) return undefined;
        const key = typeof n.prop === 'string' ? n.prop : ev(n.prop, env);
        return getProp(obj, key, n.pos);
      }
      case 'call': {
        let self: unknown = undefined;
        let fn: unknown;
        if (n.callee.k === 'mem') {
          self = ev(n.callee.obj, env);
          if (n.callee.optional && (self === null || self === undefined)) return undefined;
          const key = typeof n.callee.prop === 'string' ? n.callee.prop : ev(n.callee.prop, env);
          fn = getProp(self, key, n.callee.pos);
        } else fn = ev(n.callee, env);
        if (n.optional && (fn === null || fn === undefined)) return undefined;
        if (!callable(fn)) throw new ExprError('Not a function', n.pos);
        const args = n.args.map((a) => ev(a, env));
        return Reflect.apply(fn, self, args);
      }
      case 'arrow': {
        const closure = env;
        // A real function, so native methods (map, some, replace…) can call it.
        return (...args: unknown[]) => {
          const frame = new Map<string, unknown>();
          n.params.forEach((p, i) => frame.set(p, args[i]));
          return ev(n.body, [...closure, frame]);
        };
      }
    }
  };

  return ev(ast, []);
}
