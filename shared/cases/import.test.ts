import { describe, expect, it } from 'vitest';
import { detectFormat, parseCases, parseCasesCsv, parseCasesJsonl } from './import';

describe('case import', () => {
  it('reads CSV with a header of variable names, quoting and a label column', () => {
    const r = parseCasesCsv('country,question,_label\nFrance,"Capital, please?",fr\n"Côte d\'Ivoire","Line1\nLine2",\n');
    expect(r.errors).toEqual([]);
    expect(r.columns).toEqual(['country', 'question']);
    expect(r.cases).toEqual([
      { label: 'fr', vars: { country: 'France', question: 'Capital, please?' } },
      { label: null, vars: { country: "Côte d'Ivoire", question: 'Line1\nLine2' } },
    ]);
  });

  it('names the row and column of CSV errors', () => {
    const r = parseCasesCsv('country,1bad,country\nFrance,x\n');
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { row: 1, column: '1bad', message: expect.stringContaining('not a variable name') },
        { row: 1, column: 'country', message: expect.stringContaining('appears twice') },
        { row: 2, column: null, message: 'Row 2 has 2 cells; the header has 3.' },
      ]),
    );
    expect(parseCasesCsv('a,b\n1,2\n3\n').errors).toEqual([{ row: 3, column: null, message: 'Row 3 has 1 cells; the header has 2.' }]);
    expect(parseCasesCsv('a,,c\n1,2,3\n').errors[0]).toMatchObject({ row: 1, column: '#2' });
    expect(parseCasesCsv('').errors[0]).toMatchObject({ row: 1, message: expect.stringContaining('first row') });
  });

  it('reads JSONL, turning numbers and booleans into strings', () => {
    const r = parseCasesJsonl('{"country":"France","n":3}\n\n{"country":"Japan","ok":true,"_label":"jp"}\n');
    expect(r.errors).toEqual([]);
    expect(r.cases).toEqual([
      { label: null, vars: { country: 'France', n: '3' } },
      { label: 'jp', vars: { country: 'Japan', ok: 'true' } },
    ]);
    expect(r.columns).toEqual(['country', 'n', 'ok']);
  });

  it('names the line and field of JSONL errors', () => {
    const r = parseCasesJsonl('{"a":"x"}\n{"a":\n[1]\n{"a":{"b":1}}\n{"a":null}\n');
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [2, null],
      [3, null],
      [4, 'a'],
      [5, 'a'],
    ]);
    expect(r.errors[2]!.message).toContain('not object');
    expect(r.cases).toHaveLength(1);
  });

  it('detects the format', () => {
    expect(detectFormat('  {"a":1}')).toBe('jsonl');
    expect(detectFormat('a,b')).toBe('csv');
    expect(parseCases('{"x":"1"}').cases).toHaveLength(1);
  });
});
