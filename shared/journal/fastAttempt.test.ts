/**
 * The hand-written attempt check against zod's: whenever it answers, zod
 * accepts the same record and gives the same output (compared as the JSON
 * text, which is what the journal keeps); and it answers for every attempt
 * shape the app writes (else the import's fast path would be dead code).
 */
import { describe, expect, it } from 'vitest';
import { Attempt } from '../domain/schemas';
import { fastAttempt } from './fastAttempt';
import { parseLine, serializeRecord } from './jsonl';
import { sampleJournal } from './sample';

const base = sampleJournal(400, 11).attempts.map((a) => JSON.parse(serializeRecord(a)) as Record<string, unknown>);

/** Values of every JSON kind, and the edges the schema draws. */
const PROBES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  0.5,
  1,
  1.5,
  2,
  2.5,
  -3.25,
  1e21,
  9007199254740993,
  1e400,
  '',
  'x',
  'openai',
  'ok',
  'pending',
  'timeout',
  'human',
  'json',
  [],
  ['a'],
  [1],
  [null],
  {},
  { a: 1 },
  { class: 'timeout', message: 'm', httpStatus: null, retryAfterMs: null },
  { inputPerM: 1, outputPerM: 2 },
  { status: 200, headers: { a: 'b' } },
  { status: 200, headers: { a: 1 } },
  { status: 1.5, headers: {} },
  { temperature: 3 },
  { temperature: 1, extra: 1 },
  { maxOutputTokens: 0 },
  { source: 'human', name: 'n', pass: true, score: 1.2, at: 1 },
];

function check(v: unknown): 'fast' | 'zod-only' | 'invalid' {
  const fast = fastAttempt(v);
  const zod = Attempt.safeParse(v);
  if (fast !== undefined) {
    expect(zod.success, `fast accepted what zod refuses (${JSON.stringify(zod.error?.issues[0])}): ${JSON.stringify(v).slice(0, 200)}`).toBe(true);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
    return 'fast';
  }
  return zod.success ? 'zod-only' : 'invalid';
}

/** A deep copy with `path` set to `value` (undefined: deleted). */
function withAt(obj: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  let o: Record<string | number, unknown> = copy;
  for (let i = 0; i < path.length - 1; i++) {
    const next = o[path[i]!];
    if (next === null || typeof next !== 'object') return copy;
    o = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
}

/** Every path to a value in the record (objects and arrays walked). */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  for (const [k, x] of entries) out.push(...paths(x, [...prefix, k]));
  return out;
}

describe('fastAttempt', () => {
  it('answers for every attempt the sample journal makes, exactly as zod', () => {
    const kinds = base.map(check);
    expect(kinds.every((k) => k === 'fast')).toBe(true);
  });

  it('never accepts what zod refuses, and gives zod’s output, over thousands of mutations', () => {
    const seen = { fast: 0, 'zod-only': 0, invalid: 0 };
    // A few attempts of different shapes (statuses, failures, grades, params), every field of each
    // deleted, and replaced by each probe value; unknown keys added at each object.
    const shapes = base.filter((_, i) => i % 23 === 0).slice(0, 12);
    for (const a of shapes) {
      for (const p of paths(a)) {
        seen[check(withAt(a, p, undefined))]++;
        for (const probe of PROBES) seen[check(withAt(a, p, probe))]++;
        seen[check(withAt(a, [...p, 'unknownKey'], 'x'))]++;
        seen[check(withAt(a, [...p, '__proto__'], { polluted: true }))]++;
      }
    }
    const total = seen.fast + seen['zod-only'] + seen.invalid;
    expect(total).toBeGreaterThan(10_000);
    // Both answers happen: the check is not vacuous.
    expect(seen.fast).toBeGreaterThan(1000);
    expect(seen.invalid).toBeGreaterThan(1000);
  });

  it('leaves records with an own __proto__ key in headers, and non-attempts, to zod', () => {
    const a = base[0]!;
    const meta = JSON.parse('{"status":200,"headers":{"__proto__":"x","a":"b"}}') as unknown;
    expect(fastAttempt({ ...a, responseMeta: meta })).toBeUndefined();
    expect(fastAttempt({ ...a, schema: 'tenth.run/1' })).toBeUndefined();
    expect(fastAttempt(null)).toBeUndefined();
    expect(fastAttempt([a])).toBeUndefined();
  });

  it('is what parseLine uses, with zod’s words when a line is wrong', () => {
    const line = serializeRecord(base[5] as never);
    const ok = parseLine(line, 3);
    expect(ok.ok && JSON.stringify(ok.record)).toBe(JSON.stringify(Attempt.parse(JSON.parse(line))));
    const bad = parseLine(line.replace(/"repeatIndex":\d+/, '"repeatIndex":-1'), 4);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatchObject({ line: 4, field: 'repeatIndex' });
  });
});
