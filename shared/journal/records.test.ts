import { describe, expect, it } from 'vitest';
import { parseLine, serializeRecord } from './jsonl';
import { registerUpgrader, resolveRecord, splitSchemaId } from './records';
import { sampleAttempt } from './sample';

describe('schema ids', () => {
  it('splits name and version, refusing malformed versions', () => {
    expect(splitSchemaId('tenth.attempt/1')).toEqual({ name: 'tenth.attempt', version: 1 });
    expect(splitSchemaId('tenth.attempt/12')).toEqual({ name: 'tenth.attempt', version: 12 });
    for (const bad of ['tenth.attempt', 'tenth.attempt/', '/1', 'tenth.attempt/01', 'tenth.attempt/1.0', 'tenth.attempt/-1', 'tenth.attempt/x']) {
      expect(splitSchemaId(bad), bad).toBeNull();
    }
  });
});

describe('version policy', () => {
  const line = (over: Record<string, unknown>): string => JSON.stringify({ ...JSON.parse(serializeRecord(sampleAttempt(3))), ...over });

  it('refuses an unknown record type', () => {
    const r = parseLine(line({ schema: 'tenth.bogus/1' }), 4);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ line: 4, code: 'unknown_type', field: 'schema' });
    expect(r.error.message).toContain('unknown record type');
  });

  it('refuses a newer version and says to upgrade the app', () => {
    const r = parseLine(line({ schema: 'tenth.attempt/2' }), 9);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('newer_version');
    expect(r.error.expected).toBe('tenth.attempt/1');
    expect(r.error.message).toMatch(/^line 9: .*written by a newer Tenth.*upgrade the app/);
  });

  it('refuses an older version nobody can upgrade', () => {
    const r = parseLine(line({ schema: 'tenth.attempt/0' }), 1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'no_upgrader' });
  });

  it('reports a missing or non-string schema', () => {
    const raw = JSON.parse(line({}));
    delete raw.schema;
    const r = parseLine(JSON.stringify(raw), 2);
    expect(!r.ok && r.error.code).toBe('bad_schema');
    const r2 = parseLine(line({ schema: 1 }), 2);
    expect(!r2.ok && r2.error.message).toContain('must be a string');
  });

  it('lifts an older version through a registered upgrader, then validates it', () => {
    // A synthetic /0 where latency was in seconds and `output` was called `text`.
    const v0 = JSON.parse(line({ schema: 'tenth.attempt/0' }));
    v0.text = v0.output;
    delete v0.output;
    v0.latencySec = v0.latencyMs === null ? null : v0.latencyMs / 1000;
    delete v0.latencyMs;
    const unregister = registerUpgrader('tenth.attempt', 0, (raw) => {
      const { text, latencySec, ...rest } = raw as { text: string; latencySec: number | null };
      return { ...rest, output: text, latencyMs: latencySec === null ? null : latencySec * 1000 };
    });
    try {
      const r = parseLine(JSON.stringify(v0), 1);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.record.schema).toBe('tenth.attempt/1');
      // Upgraded and re-serialised, it is the current line exactly.
      expect(serializeRecord(r.record)).toBe(serializeRecord(sampleAttempt(3)));
    } finally {
      unregister();
    }
    expect(resolveRecord(v0).ok).toBe(false);
  });

  it('reports a failing upgrader instead of throwing', () => {
    const unregister = registerUpgrader('tenth.attempt', 0, () => {
      throw new Error('boom');
    });
    try {
      const r = parseLine(line({ schema: 'tenth.attempt/0' }), 5);
      expect(!r.ok && r.error).toMatchObject({ code: 'upgrade_failed', line: 5 });
      expect(!r.ok && r.error.message).toContain('boom');
    } finally {
      unregister();
    }
  });

  it('rejects upgraders that are not for an older version', () => {
    expect(() => registerUpgrader('tenth.attempt', 1, (r) => r)).toThrow();
    expect(() => registerUpgrader('tenth.nope', 0, (r) => r)).toThrow();
  });
});

describe('provider records', () => {
  it('never carry a key: unknown fields are stripped on parse and on write', () => {
    const withKey = {
      schema: 'tenth.provider/1',
      id: 'p1',
      name: 'OpenAI',
      kind: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      key: 'sk-canary-parse',
      apiKey: 'sk-canary-parse2',
    };
    const r = parseLine(JSON.stringify(withKey), 1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record).not.toHaveProperty('key');
    expect(r.record).not.toHaveProperty('apiKey');
    const written = serializeRecord(withKey as never);
    expect(written).not.toContain('sk-canary');
    expect(written.startsWith('{"schema":"tenth.provider/1","id":"p1"')).toBe(true);
    // Defaults are written, exactly as parsing fills them.
    expect(JSON.parse(written)).toEqual(r.record);
  });

  it('masks credential-looking extra headers', () => {
    const line = serializeRecord({
      schema: 'tenth.provider/1',
      id: 'p2',
      name: 'Proxy',
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:8080/v1',
      headers: { Authorization: 'Bearer sk-canary-hdr', 'X-Team': 'evals' },
      concurrency: 2,
      rpm: null,
      models: [],
    });
    expect(line).not.toContain('sk-canary');
    expect(JSON.parse(line).headers).toEqual({ Authorization: '[redacted]', 'X-Team': 'evals' });
  });
});
