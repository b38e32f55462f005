import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { checkSchema, validateJson, type JsonSchema } from './json-schema';

// ajv is the reference: every case is validated by both and must agree.
const ajv = new Ajv({ strict: false, allErrors: true });

const cases: { schema: JsonSchema; data: unknown[] }[] = [
  { schema: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' }, data: ['ab', 'a', 'abcde', 'AB', 'éé', 3] },
  { schema: { type: ['number', 'null'], minimum: 0, exclusiveMaximum: 10, multipleOf: 0.5 }, data: [0, 9.5, 10, -1, 0.3, null, '1'] },
  { schema: { type: 'integer' }, data: [1, 1.5, 2.0, '2'] },
  { schema: { enum: ['a', 1, { x: [1] }] }, data: ['a', 1, { x: [1] }, { x: [2] }, 'b'] },
  { schema: { const: { a: [1, 2] } }, data: [{ a: [1, 2] }, { a: [2, 1] }] },
  {
    schema: { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'number' } }, additionalProperties: false, minProperties: 1 },
    data: [{ a: 'x' }, { a: 'x', b: 1 }, { a: 'x', c: 1 }, { b: 1 }, {}, { a: 1 }],
  },
  { schema: { type: 'object', patternProperties: { '^x-': { type: 'number' } }, additionalProperties: { type: 'string' } }, data: [{ 'x-a': 1, b: 's' }, { 'x-a': 's' }, { b: 1 }] },
  { schema: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3, uniqueItems: true }, data: [[1], [], [1, 2, 3, 4], [1, 1], [1, 'a']] },
  { schema: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false }, data: [['a', 1], ['a', 1, 2], [1, 'a'], ['a']] },
  { schema: { type: 'array', contains: { const: 3 } }, data: [[1, 3], [1, 2], []] },
  { schema: { anyOf: [{ type: 'string' }, { type: 'number', minimum: 5 }] }, data: ['s', 6, 4, null] },
  { schema: { oneOf: [{ type: 'number' }, { type: 'integer' }] }, data: [1.5, 2, 's'] },
  { schema: { allOf: [{ type: 'number' }, { minimum: 2 }], not: { const: 3 } }, data: [2, 3, 1] },
  { schema: { if: { properties: { kind: { const: 'a' } } }, then: { required: ['x'] }, else: { required: ['y'] } }, data: [{ kind: 'a', x: 1 }, { kind: 'a', y: 1 }, { kind: 'b', y: 1 }, { kind: 'b' }] },
  {
    schema: { definitions: { item: { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/definitions/item' } } } } }, $ref: '#/definitions/item' },
    data: [{ id: 1, children: [{ id: 2 }] }, { id: 1, children: [{ id: 'x' }] }, { children: [] }],
  },
  { schema: { type: 'object', dependencies: { a: ['b'] }, propertyNames: { pattern: '^[ab]$' } }, data: [{ a: 1, b: 2 }, { a: 1 }, { c: 1 }] },
  { schema: true, data: [1, null] },
  { schema: { type: 'object', properties: { n: false } }, data: [{}, { n: 1 }] },
];

describe('validateJson agrees with ajv', () => {
  for (const [i, c] of cases.entries()) {
    it(`case ${i}: ${JSON.stringify(c.schema).slice(0, 60)}`, () => {
      expect(checkSchema(c.schema)).toEqual([]);
      const reference = ajv.compile(c.schema as object);
      for (const d of c.data) {
        const ours = validateJson(c.schema, d).length === 0;
        expect({ data: d, valid: ours }).toEqual({ data: d, valid: reference(d) as boolean });
      }
    });
  }

  it('reports where and why', () => {
    const errors = validateJson({ type: 'object', properties: { a: { type: 'array', items: { type: 'number' } } } }, { a: [1, 'x'] });
    expect(errors).toEqual([{ path: '/a/1', message: 'must be number' }]);
  });

  it('refuses schemas it would silently mis-read', () => {
    expect(checkSchema({ type: 'object', requried: ['a'] })).toEqual(['/: unknown keyword “requried”']);
    expect(checkSchema({ type: 'strin' })[0]).toMatch(/unknown type/);
    expect(checkSchema({ $ref: '#/definitions/missing' })[0]).toMatch(/does not resolve/);
    expect(checkSchema({ $ref: 'http://example.com/s.json' })[0]).toMatch(/only local references/);
    expect(checkSchema({ pattern: '(' })[0]).toMatch(/pattern/);
  });
});
