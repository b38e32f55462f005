import { describe, expect, it } from 'vitest';
import { evaluateExpr, ExprError, parseExpr } from './expr';

const ev = (src: string, scope: Record<string, unknown> = {}) => evaluateExpr(src, scope);

describe('evaluateExpr', () => {
  it('evaluates arithmetic, comparison and logic with JS precedence', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('2 ** 3 ** 2')).toBe(512);
    expect(ev('10 % 4 === 2 && !false')).toBe(true);
    expect(ev('null ?? "x"')).toBe('x');
    expect(ev('0 || 5')).toBe(5);
    expect(ev('1 < 2 ? "a" : "b"')).toBe('a');
    expect(ev('-3 + +"4"')).toBe(1);
    expect(ev('typeof nope')).toBe('undefined');
    expect(ev('"a" in {a: 1}')).toBe(true);
  });

  it('reads the scope and calls methods of strings, arrays and regexes', () => {
    const scope = { output: 'The capital is Paris.\nDone', vars: { country: 'France' } };
    expect(ev('output.includes("Paris")', scope)).toBe(true);
    expect(ev('output.split("\\n").length', scope)).toBe(2);
    expect(ev('/paris/i.test(output)', scope)).toBe(true);
    expect(ev('output.toLowerCase().startsWith(vars.country.slice(0, 0) + "the")', scope)).toBe(true);
    expect(ev('`${vars.country}!`', scope)).toBe('France!');
    expect(ev('[1, 2, 3].map(x => x * 2).filter((x) => x > 2).length')).toBe(2);
    expect(ev('[3, 1].some((a) => a > 2) && [3, 1].every(a => a > 0)')).toBe(true);
    expect(ev('output.match(/(\\w+)\\./)?.[1]', scope)).toBe('Paris');
    expect(ev('vars?.missing?.deep', scope)).toBe(undefined);
  });

  it('parses JSON and reads it', () => {
    const scope = { output: '{"items": [{"n": 1}, {"n": 2}], "ok": true}' };
    expect(ev('JSON.parse(output).items.length === 2 && JSON.parse(output).ok', scope)).toBe(true);
    expect(ev('Object.keys(JSON.parse(output)).join(",")', scope)).toBe('items,ok');
    expect(ev('Math.max(1, JSON.parse(output).items[1].n)', scope)).toBe(2);
  });

  it('throws on unknown names and syntax it does not support', () => {
    expect(() => ev('fetch("http://127.0.0.1")')).toThrow(/Unknown name “fetch”/);
    expect(() => ev('globalThis')).toThrow(ExprError);
    expect(() => ev('x = 1', { x: 0 })).toThrow(/not supported/);
    expect(() => ev('new Date()')).toThrow(/not supported/);
    expect(() => parseExpr('1 +')).toThrow(/Unexpected end/);
    expect(() => parseExpr('"open')).toThrow(/Unclosed string/);
  });

  it('keeps constructors out of reach, so there is no way to eval', () => {
    expect(() => ev('"".constructor')).toThrow(/not available/);
    expect(() => ev('(x => x).constructor("return 1")')).toThrow(/not available/);
    expect(() => ev('[]["constructor"]')).toThrow(/not available/);
    expect(() => ev('({})["__proto__"]')).toThrow(/not available/);
    expect(() => ev('output.split.constructor', { output: '' })).toThrow(/not available/);
  });

  it('passes errors the expression raises', () => {
    expect(() => ev('JSON.parse("{nope")')).toThrow(SyntaxError);
    expect(() => ev('null.x')).toThrow(/Cannot read “x” of null/);
    expect(() => ev('output()', { output: 'text' })).toThrow(/Not a function/);
  });

  it('stops an expression that does too much work', () => {
    expect(() => evaluateExpr('[1,2,3].map(a => [1,2,3].map(b => a * b))', {}, { maxSteps: 10 })).toThrow(/Step limit/);
  });
});
