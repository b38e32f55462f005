/**
 * An interpreting JSON Schema validator (draft-07 and the common 2019-09/2020-12
 * keywords) for the `json_schema` check.
 *
 * Why not ajv here: ajv compiles each schema to JavaScript with `new Function`,
 * which the app's CSP (`script-src 'self'`, no `'unsafe-eval'`) forbids in the
 * renderer and its workers. This validator walks the schema instead. The unit
 * tests run the same schemas and instances through ajv in Node and require the
 * same answers, so ajv stays the reference for what "valid" means.
 *
 * Unknown keywords are refused when the schema is checked (as ajv's strict mode
 * does), so a typo such as `requried` is an error rather than a schema that
 * accepts everything. `format` is accepted as an annotation and not asserted
 * (the editor says so); ajv's strict mode would instead refuse a schema using a
 * format it has no definition for.
 */

export type JsonSchema = boolean | { [k: string]: unknown };

const KNOWN = new Set([
  '$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly',
  'definitions', '$defs', '$ref', 'format', 'contentMediaType', 'contentEncoding',
  'type', 'enum', 'const',
  'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern',
  'items', 'prefixItems', 'additionalItems', 'maxItems', 'minItems', 'uniqueItems', 'contains', 'minContains', 'maxContains',
  'maxProperties', 'minProperties', 'required', 'properties', 'patternProperties', 'additionalProperties', 'dependencies', 'dependentRequired', 'propertyNames',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else',
]);
const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);

export interface SchemaError {
  path: string;
  message: string;
}

/** Problems with the schema itself (unknown keywords, bad types, unresolved $ref); empty when usable. */
export function checkSchema(schema: unknown): string[] {
  const problems: string[] = [];
  const walk = (s: unknown, at: string) => {
    if (typeof s === 'boolean') return;
    if (!s || typeof s !== 'object' || Array.isArray(s)) {
      problems.push(`${at || '/'}: a schema must be an object or a boolean`);
      return;
    }
    const o = s as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (!KNOWN.has(k)) {
        problems.push(`${at || '/'}: unknown keyword “${k}”`);
        continue;
      }
      switch (k) {
        case 'type': {
          const list = Array.isArray(v) ? v : [v];
          for (const t of list) if (typeof t !== 'string' || !TYPES.has(t)) problems.push(`${at}/type: unknown type ${JSON.stringify(t)}`);
          break;
        }
        case 'pattern':
          try {
            new RegExp(String(v), 'u');
          } catch (e) {
            problems.push(`${at}/pattern: ${(e as Error).message}`);
          }
          break;
        case 'properties':
        case 'patternProperties':
        case 'definitions':
        case '$defs':
        case 'dependencies':
          if (!v || typeof v !== 'object') problems.push(`${at}/${k}: must be an object`);
          else
            for (const [name, sub] of Object.entries(v)) {
              if (k === 'dependencies' && Array.isArray(sub)) continue;
              if (k === 'patternProperties') {
                try {
                  new RegExp(name, 'u');
                } catch (e) {
                  problems.push(`${at}/patternProperties: ${(e as Error).message}`);
                }
              }
              walk(sub, `${at}/${k}/${name}`);
            }
          break;
        case 'items':
        case 'prefixItems':
        case 'allOf':
        case 'anyOf':
        case 'oneOf':
          if (Array.isArray(v)) v.forEach((sub, i) => walk(sub, `${at}/${k}/${i}`));
          else if (k === 'items') walk(v, `${at}/items`);
          else problems.push(`${at}/${k}: must be an array`);
          break;
        case 'additionalItems':
        case 'additionalProperties':
        case 'contains':
        case 'propertyNames':
        case 'not':
        case 'if':
        case 'then':
        case 'else':
          walk(v, `${at}/${k}`);
          break;
        case '$ref':
          if (typeof v !== 'string' || !v.startsWith('#')) problems.push(`${at}/$ref: only local references (#/…) are supported`);
          else if (resolvePointer(schema, v) === undefined) problems.push(`${at}/$ref: ${v} does not resolve`);
          break;
        case 'required':
          if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) problems.push(`${at}/required: must be an array of strings`);
          break;
      }
    }
  };
  walk(schema, '');
  return problems;
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
  switch (t) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    default:
      return typeOf(v) === t;
  }
}

/** Deep equality for JSON values (enum, const, uniqueItems). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Validates `data` against `schema` (checked first with checkSchema). Returns the errors; empty = valid. */
export function validateJson(schema: JsonSchema, data: unknown, maxErrors = 20): SchemaError[] {
  const errors: SchemaError[] = [];
  const root = schema;
  const regexCache = new Map<string, RegExp>();
  const re = (p: string) => {
    let r = regexCache.get(p);
    if (!r) regexCache.set(p, (r = new RegExp(p, 'u')));
    return r;
  };

  /** Returns true when valid; records errors only when `record`. */
  const v = (s: JsonSchema, d: unknown, path: string, record: boolean, depth: number): boolean => {
    if (depth > 200) throw new Error('Schema recursion too deep');
    if (s === true) return true;
    const fail = (message: string) => {
      if (record && errors.length < maxErrors) errors.push({ path: path || '/', message });
      return false;
    };
    if (s === false) return fail('no value is allowed here');
    let ok = true;
    const o = s;

    if (typeof o.$ref === 'string') {
      const target = resolvePointer(root, o.$ref) as JsonSchema | undefined;
      if (target === undefined) return fail(`$ref ${o.$ref} does not resolve`);
      if (!v(target, d, path, record, depth + 1)) ok = false;
    }
    if (o.type !== undefined) {
      const types = (Array.isArray(o.type) ? o.type : [o.type]) as string[];
      if (!types.some((t) => matchesType(d, t))) return fail(`must be ${types.join(' or ')}`);
    }
    if (Array.isArray(o.enum) && !o.enum.some((e) => jsonEqual(e, d))) ok = fail(`must be one of ${JSON.stringify(o.enum)}`);
    if ('const' in o && !jsonEqual(o.const, d)) ok = fail(`must equal ${JSON.stringify(o.const)}`);

    if (typeof d === 'number') {
      if (typeof o.minimum === 'number' && d < o.minimum) ok = fail(`must be ≥ ${o.minimum}`);
      if (typeof o.maximum === 'number' && d > o.maximum) ok = fail(`must be ≤ ${o.maximum}`);
      if (typeof o.exclusiveMinimum === 'number' && d <= o.exclusiveMinimum) ok = fail(`must be > ${o.exclusiveMinimum}`);
      if (typeof o.exclusiveMaximum === 'number' && d >= o.exclusiveMaximum) ok = fail(`must be < ${o.exclusiveMaximum}`);
      if (typeof o.multipleOf === 'number') {
        const q = d / o.multipleOf;
        if (Math.abs(q - Math.round(q)) > 1e-9) ok = fail(`must be a multiple of ${o.multipleOf}`);
      }
    }
    if (typeof d === 'string') {
      if (typeof o.minLength === 'number' && codePoints(d) < o.minLength) ok = fail(`must have at least ${o.minLength} characters`);
      if (typeof o.maxLength === 'number' && codePoints(d) > o.maxLength) ok = fail(`must have at most ${o.maxLength} characters`);
      if (typeof o.pattern === 'string' && !re(o.pattern).test(d)) ok = fail(`must match /${o.pattern}/`);
    }
    if (Array.isArray(d)) {
      if (typeof o.minItems === 'number' && d.length < o.minItems) ok = fail(`must have at least ${o.minItems} items`);
      if (typeof o.maxItems === 'number' && d.length > o.maxItems) ok = fail(`must have at most ${o.maxItems} items`);
      if (o.uniqueItems === true) {
        outer: for (let i = 0; i < d.length; i++)
          for (let j = i + 1; j < d.length; j++)
            if (jsonEqual(d[i], d[j])) {
              ok = fail(`items ${i} and ${j} are equal`);
              break outer;
            }
      }
      let tupleLen = 0;
      const tuple = Array.isArray(o.prefixItems) ? o.prefixItems : Array.isArray(o.items) ? o.items : null;
      if (tuple) {
        tupleLen = tuple.length;
        tuple.forEach((sub, i) => {
          if (i < d.length && !v(sub as JsonSchema, d[i], `${path}/${i}`, record, depth + 1)) ok = false;
        });
      }
      const rest = Array.isArray(o.prefixItems) ? o.items : Array.isArray(o.items) ? o.additionalItems : o.items;
      if (rest !== undefined && !Array.isArray(rest)) {
        for (let i = tupleLen; i < d.length; i++) if (!v(rest as JsonSchema, d[i], `${path}/${i}`, record, depth + 1)) ok = false;
      }
      if (o.contains !== undefined) {
        const n = d.filter((x) => v(o.contains as JsonSchema, x, path, false, depth + 1)).length;
        const min = typeof o.minContains === 'number' ? o.minContains : 1;
        if (n < min) ok = fail(`must contain at least ${min} matching item${min === 1 ? '' : 's'}`);
        if (typeof o.maxContains === 'number' && n > o.maxContains) ok = fail(`must contain at most ${o.maxContains} matching items`);
      }
    }
    if (d && typeof d === 'object' && !Array.isArray(d)) {
      const obj = d as Record<string, unknown>;
      const keys = Object.keys(obj);
      if (typeof o.minProperties === 'number' && keys.length < o.minProperties) ok = fail(`must have at least ${o.minProperties} properties`);
      if (typeof o.maxProperties === 'number' && keys.length > o.maxProperties) ok = fail(`must have at most ${o.maxProperties} properties`);
      if (Array.isArray(o.required)) for (const r of o.required as string[]) if (!(r in obj)) ok = fail(`must have property “${r}”`);
      const props = (o.properties ?? {}) as Record<string, JsonSchema>;
      const pprops = (o.patternProperties ?? {}) as Record<string, JsonSchema>;
      for (const k of keys) {
        let matched = false;
        if (Object.prototype.hasOwnProperty.call(props, k)) {
          matched = true;
          if (!v(props[k]!, obj[k], `${path}/${k}`, record, depth + 1)) ok = false;
        }
        for (const [p, sub] of Object.entries(pprops)) {
          if (re(p).test(k)) {
            matched = true;
            if (!v(sub, obj[k], `${path}/${k}`, record, depth + 1)) ok = false;
          }
        }
        if (!matched && o.additionalProperties !== undefined) {
          if (o.additionalProperties === false) ok = fail(`must not have property “${k}”`);
          else if (!v(o.additionalProperties as JsonSchema, obj[k], `${path}/${k}`, record, depth + 1)) ok = false;
        }
        if (o.propertyNames !== undefined && !v(o.propertyNames as JsonSchema, k, `${path}/${k}`, false, depth + 1)) ok = fail(`property name “${k}” is not allowed`);
      }
      const deps = { ...((o.dependencies ?? {}) as Record<string, unknown>), ...((o.dependentRequired ?? {}) as Record<string, unknown>) };
      for (const [k, dep] of Object.entries(deps)) {
        if (!(k in obj)) continue;
        if (Array.isArray(dep)) {
          for (const r of dep as string[]) if (!(r in obj)) ok = fail(`must have property “${r}” when “${k}” is present`);
        } else if (!v(dep as JsonSchema, d, path, record, depth + 1)) ok = false;
      }
    }

    if (Array.isArray(o.allOf)) for (const sub of o.allOf) if (!v(sub as JsonSchema, d, path, record, depth + 1)) ok = false;
    if (Array.isArray(o.anyOf) && !o.anyOf.some((sub) => v(sub as JsonSchema, d, path, false, depth + 1))) ok = fail('must match a schema in anyOf');
    if (Array.isArray(o.oneOf)) {
      const n = o.oneOf.filter((sub) => v(sub as JsonSchema, d, path, false, depth + 1)).length;
      if (n !== 1) ok = fail(`must match exactly one schema in oneOf (matched ${n})`);
    }
    if (o.not !== undefined && v(o.not as JsonSchema, d, path, false, depth + 1)) ok = fail('must not match the schema in “not”');
    if (o.if !== undefined) {
      const branch = v(o.if as JsonSchema, d, path, false, depth + 1) ? o.then : o.else;
      if (branch !== undefined && !v(branch as JsonSchema, d, path, record, depth + 1)) ok = false;
    }
    return ok;
  };

  v(schema, data, '', true, 0);
  return errors;
}
