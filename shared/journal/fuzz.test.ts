/**
 * Fuzz: 1,200 malformed journal files from a seeded generator. Each must yield a
 * clear error on the right line (line number, and for field errors the field and
 * the expectation), nothing may be handed over in all-or-nothing mode, and
 * valid-only mode must keep exactly the untouched records.
 */
import { describe, expect, it } from 'vitest';
import { collectText, exportJsonl } from './export';
import { planImport } from './import';
import type { JournalErrorCode } from './jsonl';
import { sampleJournal, seededRandom } from './sample';

const enc = new TextEncoder();
const MAX_LINE = 8192;

interface Case {
  kind: string;
  /** Lines of text, or bytes for lines that must carry invalid UTF-8. */
  lines: (string | Uint8Array)[];
  /** 1-based line of the (first) error. */
  badLine: number;
  codes: JournalErrorCode[];
  /** For field errors: the field the report must name. */
  field?: string;
  /** Data records valid-only mode must hand over. */
  validRecords: number;
}

const BASE = sampleJournal(24, 11);

describe('fuzz: malformed files', async () => {
  const text = await collectText(exportJsonl(BASE, { app: { name: 'Tenth', version: '0.1.0' }, exportedAt: 42 }));
  const base = text.trimEnd().split('\n');
  const dataLines = base.length - 1; // minus the header
  const attemptIdx = base.map((l, i) => (l.includes('"tenth.attempt/1"') ? i : -1)).filter((i) => i >= 0);
  const finalAttemptIdx = attemptIdx.filter((i) => JSON.parse(base[i]).status !== 'pending');

  // Field mutations: [path, bad value, field the error must name].
  const FIELD_MUTATIONS: [string[], unknown, string][] = [
    [['repeatIndex'], 'three', 'repeatIndex'],
    [['repeatIndex'], -1, 'repeatIndex'],
    [['repeatIndex'], 2.5, 'repeatIndex'],
    [['status'], 'exploded', 'status'],
    [['output'], 42, 'output'],
    [['output'], null, 'output'],
    [['queuedAt'], '2024-01-01', 'queuedAt'],
    [['grades'], {}, 'grades'],
    [['grades'], [{ source: 'robot', name: 'x', pass: true, score: 1, at: 1 }], 'grades[0].source'],
    [['grades'], [{ source: 'human', name: 'x', pass: true, score: 2, at: 1 }], 'grades[0].score'],
    [['params'], { temperature: 9 }, 'params.temperature'],
    [['params'], { bogus: 1 }, 'params'],
    [['providerKind'], 'skynet', 'providerKind'],
    [['id'], '', 'id'],
    [['id'], 7, 'id'],
    [['latencyMs'], -3, 'latencyMs'],
    [['usage'], { inputTokens: 'many', outputTokens: 1, reasoningTokens: null, cachedInputTokens: null }, 'usage.inputTokens'],
    [['failure'], { class: 'gremlins', message: 'x', httpStatus: null, retryAfterMs: null }, 'failure.class'],
    [['failure'], { class: 'network', message: 'x', httpStatus: 'four', retryAfterMs: null }, 'failure.httpStatus'],
    [['price'], { inputPerM: -1, outputPerM: 1 }, 'price.inputPerM'],
    [['responseMeta'], { status: 200, headers: { a: 1 } }, 'responseMeta.headers.a'],
  ];
  const REQUIRED = ['id', 'runId', 'promptId', 'caseId', 'status', 'output', 'grades', 'queuedAt', 'params', 'request', 'usage'];
  const SCHEMAS: [string, JournalErrorCode][] = [
    ['tenth.attempt/2', 'newer_version'],
    ['tenth.attempt/99', 'newer_version'],
    ['tenth.attempt/0', 'no_upgrader'],
    ['tenth.gizmo/1', 'unknown_type'],
    ['tenth.attempt', 'bad_schema'],
    ['tenth.attempt/v1', 'bad_schema'],
  ];
  const BAD_BYTES = [[0xff], [0xc3, 0x28], [0x80], [0xf0, 0x9f, 0x99], [0xed, 0xa0, 0x80], [0xc0, 0xaf]];

  function generate(seed: number): Case {
    const rnd = seededRandom(seed);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const lines: (string | Uint8Array)[] = [...base];
    const at = pick(attemptIdx);
    const obj = (): Record<string, unknown> => JSON.parse(base[at]);
    const kinds = ['truncated', 'wrongType', 'missing', 'huge', 'badUtf8', 'duplicate', 'schema', 'lastLine', 'notObject', 'garbage', 'header'];
    const kind = kinds[seed % kinds.length];
    switch (kind) {
      case 'truncated': {
        lines[at] = base[at].slice(0, 1 + Math.floor(rnd() * (base[at].length - 2)));
        return { kind, lines, badLine: at + 1, codes: ['json'], validRecords: dataLines - 1 };
      }
      case 'wrongType': {
        const [path, value, field] = pick(FIELD_MUTATIONS);
        const o = obj();
        o[path[0]] = value;
        lines[at] = JSON.stringify(o);
        return { kind, lines, badLine: at + 1, codes: ['invalid'], field, validRecords: dataLines - 1 };
      }
      case 'missing': {
        const o = obj();
        const field = pick(REQUIRED);
        delete o[field];
        lines[at] = JSON.stringify(o);
        return { kind, lines, badLine: at + 1, codes: ['invalid'], field, validRecords: dataLines - 1 };
      }
      case 'huge': {
        const o = obj();
        o.output = 'x'.repeat(MAX_LINE + Math.floor(rnd() * MAX_LINE));
        lines[at] = JSON.stringify(o);
        return { kind, lines, badLine: at + 1, codes: ['too_long'], validRecords: dataLines - 1 };
      }
      case 'badUtf8': {
        const bytes = enc.encode(base[at]);
        const pos = 1 + Math.floor(rnd() * (bytes.length - 2));
        const bad = pick(BAD_BYTES);
        lines[at] = new Uint8Array([...bytes.subarray(0, pos), ...bad, ...bytes.subarray(pos)]);
        return { kind, lines, badLine: at + 1, codes: ['utf8'], validRecords: dataLines - 1 };
      }
      case 'duplicate': {
        // A final (not pending) attempt: a later line for a pending one supersedes it, legitimately.
        const fin = finalAttemptIdx[Math.floor(rnd() * finalAttemptIdx.length)];
        const o: Record<string, unknown> = JSON.parse(base[fin]);
        o.output = `${String(o.output)} (edited ${seed})`;
        const where = fin + 1 + Math.floor(rnd() * (lines.length - fin));
        lines.splice(where, 0, JSON.stringify(o));
        return { kind, lines, badLine: where + 1, codes: ['duplicate'], field: 'id', validRecords: dataLines };
      }
      case 'schema': {
        const [schema, code] = pick(SCHEMAS);
        lines[at] = JSON.stringify({ ...obj(), schema });
        return { kind, lines, badLine: at + 1, codes: [code], field: 'schema', validRecords: dataLines - 1 };
      }
      case 'lastLine': {
        // A valid file with one bad line at the end (and sometimes no final newline).
        const o = obj();
        o.id = `att-new-${seed}`;
        o.costUsd = -Math.round(rnd() * 100);
        if (o.costUsd === 0) o.costUsd = -1;
        lines.push(JSON.stringify(o));
        return { kind, lines, badLine: lines.length, codes: ['invalid'], field: 'costUsd', validRecords: dataLines };
      }
      case 'notObject': {
        lines[at] = pick(['42', '"a string"', 'null', 'true', '[{"schema":"tenth.attempt/1"}]']);
        return { kind, lines, badLine: at + 1, codes: ['json'], validRecords: dataLines - 1 };
      }
      case 'garbage': {
        const n = 1 + Math.floor(rnd() * 60);
        let g = '';
        for (let i = 0; i < n; i++) g += String.fromCharCode(33 + Math.floor(rnd() * 90));
        lines[at] = g.startsWith('{') ? g : `{${g}`;
        return { kind, lines, badLine: at + 1, codes: ['json', 'bad_schema'], validRecords: dataLines - 1 };
      }
      default: {
        // A second journal header somewhere after the first line.
        const where = 1 + Math.floor(rnd() * (lines.length - 1));
        lines.splice(where, 0, base[0]);
        return { kind, lines, badLine: where + 1, codes: ['header'], field: 'schema', validRecords: dataLines };
      }
    }
  }

  /** The file as bytes cut into random chunks, or as text for cases without raw bytes. */
  function toInput(c: Case, seed: number): () => AsyncIterable<Uint8Array | string> | string {
    const rnd = seededRandom(seed ^ 0x5bd1e995);
    const crlf = rnd() < 0.2;
    const finalNewline = rnd() < 0.7;
    const sep = enc.encode(crlf ? '\r\n' : '\n');
    const parts: Uint8Array[] = [];
    c.lines.forEach((l, i) => {
      parts.push(typeof l === 'string' ? enc.encode(l) : l);
      if (i < c.lines.length - 1 || finalNewline) parts.push(sep);
    });
    const total = parts.reduce((n, p) => n + p.length, 0);
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    if (rnd() < 0.25 && c.lines.every((l) => typeof l === 'string')) {
      const s = new TextDecoder().decode(bytes);
      return () => s;
    }
    const chunk = 1 + Math.floor(rnd() * 3000);
    return async function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    };
  }

  const N = 1200;
  const cases = Array.from({ length: N }, (_, seed) => ({ seed, c: generate(seed) }));

  it(`covers every kind (${N} files)`, () => {
    const kinds = new Set(cases.map(({ c }) => c.kind));
    expect(kinds.size).toBe(11);
  });

  it('every file: a clear error on the right line, nothing written in all-or-nothing mode', async () => {
    for (const { seed, c } of cases) {
      let written = 0;
      const r = await planImport(toInput(c, seed), null, {
        mode: 'all-or-nothing',
        maxLineLength: MAX_LINE,
        onBatch: (_t, recs) => {
          written += recs.length;
        },
      });
      const where = `seed ${seed} (${c.kind})`;
      expect(r.ok, where).toBe(false);
      expect(r.committed, where).toBe(false);
      expect(written, where).toBe(0);
      expect(r.addedTotal, where).toBe(0);
      expect(r.errorCount, where).toBe(1);
      const e = r.errors[0];
      expect(e.line, where).toBe(c.badLine);
      expect(c.codes, `${where}: ${e.code}`).toContain(e.code);
      expect(e.message.startsWith(`line ${c.badLine}: `), where).toBe(true);
      expect(e.message.length, where).toBeLessThan(400);
      expect(e.expected, where).toBeTruthy();
      if (c.field) expect(e.field, `${where}: ${e.message}`).toBe(c.field);
    }
  });

  it('valid-only mode keeps exactly the untouched records', async () => {
    for (const { seed, c } of cases.filter((_, i) => i % 4 === 0)) {
      let written = 0;
      const r = await planImport(toInput(c, seed), null, {
        mode: 'valid-only',
        maxLineLength: MAX_LINE,
        onBatch: (_t, recs) => {
          written += recs.length;
        },
      });
      expect(written, `seed ${seed} (${c.kind})`).toBe(c.validRecords);
      expect(r.invalid).toBe(1);
    }
  });
});
