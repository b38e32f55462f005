/**
 * A JSON writer compiled once from each record's zod schema.
 *
 * Why not `JSON.stringify(record)`: the writer
 *  - puts keys in the schema's declaration order (`schema` first, then the
 *    PRODUCT.md field order), nested objects included, whatever order the
 *    in-memory object has — so export → import → export is byte-identical;
 *  - writes only the keys the schema declares (an allowlist), so a stray
 *    `key` / `apiKey` on a Provider object, or any other field the app keeps
 *    in memory, can never reach a file;
 *  - fills zod defaults for missing keys, exactly as parsing the line would;
 *  - masks credential-looking header values and request fields.
 * It is also several times faster than validating and re-stringifying.
 */
import type { z } from 'zod';

type Writer = (value: unknown) => string;

/** Header / field names whose values are credentials; compared lowercased. */
const SENSITIVE_NAMES = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'apikey',
  'api_key',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
  'key',
  'secret',
  'password',
  'access_token',
  'accesstoken',
  'token',
]);
export const REDACTED = '[redacted]';

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAMES.has(name.toLowerCase());
}

/** `value`, or a copy with the string values of credential-named keys replaced, at any depth. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const r = redactDeep(value[i], depth + 1);
      if (r !== value[i]) (copy ??= value.slice())[i] = r;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | null = null;
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
    const v = obj[k];
    // Only string values: credentials are strings, and a JSON schema in a request may well
    // have a property called "key" whose value is an object we must keep.
    const r = typeof v === 'string' && v !== '' && SENSITIVE_NAMES.has(k.toLowerCase()) ? REDACTED : redactDeep(v, depth + 1);
    if (r !== v) (copy ??= { ...obj })[k] = r;
  }
  return copy ?? value;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  defaultValue?: unknown;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const stringify: Writer = (v) => {
  const s = JSON.stringify(v);
  // JSON has no `undefined`; a stray one (invalid data) still yields valid JSON.
  return s === undefined ? 'null' : s;
};

interface FieldWriter {
  key: string;
  prefix: string;
  write: Writer;
  /** The zod default for a missing key, pre-serialised; undefined if the key may be omitted. */
  missing: string | undefined;
}

/**
 * Paths (dotted, from the record root) whose values are run through `redactDeep`
 * before writing: the places a careless caller could leave a credential.
 */
export type RedactPaths = ReadonlySet<string>;

export function compileWriter(schema: z.ZodType, redact: RedactPaths = new Set(), path = ''): Writer {
  const inner = compileInner(schema, redact, path);
  return redact.has(path) ? (v) => inner(redactDeep(v)) : inner;
}

function compileInner(schema: z.ZodType, redact: RedactPaths, path: string): Writer {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch': {
      // Same path: the wrapper and what it wraps are one field, redacted (if at all) once, above.
      const inner = compileInner(def.innerType!, redact, path);
      return (v) => (v === null || v === undefined ? 'null' : inner(v));
    }
    case 'array': {
      const el = compileWriter(def.element!, redact, `${path}[]`);
      return (v) => {
        if (!Array.isArray(v)) return stringify(v);
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + el(v[i]);
        return out + ']';
      };
    }
    case 'record': {
      const val = compileWriter(def.valueType!, redact, `${path}.*`);
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return stringify(v);
        let out = '{';
        let first = true;
        const obj = v as Record<string, unknown>;
        for (const k in obj) {
          if (!Object.prototype.hasOwnProperty.call(obj, k) || obj[k] === undefined) continue;
          out += (first ? '' : ',') + JSON.stringify(k) + ':' + val(obj[k]);
          first = false;
        }
        return out + '}';
      };
    }
    case 'object': {
      const fields: FieldWriter[] = [];
      for (const [key, fieldSchema] of Object.entries(def.shape!)) {
        const fieldPath = path ? `${path}.${key}` : key;
        const write = compileWriter(fieldSchema, redact, fieldPath);
        fields.push({ key, prefix: JSON.stringify(key) + ':', write, missing: missingValue(fieldSchema, write) });
      }
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return stringify(v);
        const obj = v as Record<string, unknown>;
        let out = '{';
        let first = true;
        for (let i = 0; i < fields.length; i++) {
          const f = fields[i];
          const fv = obj[f.key];
          let text: string | undefined;
          if (fv === undefined) text = f.missing;
          else text = f.write(fv);
          if (text === undefined) continue;
          out += (first ? '' : ',') + f.prefix + text;
          first = false;
        }
        return out + '}';
      };
    }
    default:
      // Strings, numbers, booleans, literals, enums, unknown: native JSON is exact and fast.
      return stringify;
  }
}

/** What the writer emits for an absent key: the zod default (as parsing would fill it) or nothing. */
function missingValue(schema: z.ZodType, write: Writer): string | undefined {
  let s: z.ZodType | undefined = schema;
  while (s) {
    const def = defOf(s);
    if (def.type === 'default' || def.type === 'prefault') {
      const dv = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
      return write(dv);
    }
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'readonly') s = def.innerType;
    else return undefined;
  }
  return undefined;
}
