import { describe, expect, it } from 'vitest';
import { FAULTS, FaultGate, KnobError, checkKnobs, expectedClass, normalizeFault, parseKnob, splitModelKnobs } from './knobs';
import { WORDS, countWords, generatePieces } from './text';

describe('normalizeFault', () => {
  it('accepts each canonical name in either separator style', () => {
    for (const f of FAULTS) {
      expect(normalizeFault(f)).toBe(f);
      expect(normalizeFault(f.replace(/_/g, '-'))).toBe(f);
      expect(normalizeFault(f.replace(/-/g, '_').toUpperCase())).toBe(f);
    }
  });

  it('keeps connection refusal and model refusal apart, and knows a few aliases', () => {
    expect(normalizeFault('connection-refused')).toBe('refuse');
    expect(normalizeFault('refusal')).toBe('refusal');
    expect(normalizeFault('rate_limited')).toBe('rate_limit');
    expect(normalizeFault('truncated')).toBe('length');
    expect(normalizeFault('none')).toBeNull();
    expect(normalizeFault('')).toBeNull();
    expect(normalizeFault('meteor')).toBe('unknown');
  });
});

describe('parseKnob', () => {
  it('parses numbers within range and rejects the rest', () => {
    expect(parseKnob('ttft', '250')).toEqual({ ttft: 250 });
    expect(parseKnob('tokens', '7.9')).toEqual({ tokens: 7 });
    expect(parseKnob('faultRate', '0.25')).toEqual({ faultRate: 0.25 });
    expect(() => parseKnob('faultRate', '1.5')).toThrow(KnobError);
    expect(() => parseKnob('tps', '-1')).toThrow(KnobError);
    expect(() => parseKnob('ttft', '')).toThrow(KnobError);
    expect(() => parseKnob('fault', 'meteor')).toThrow(/unknown fault/);
  });

  it('checkKnobs validates a whole defaults object', () => {
    expect(checkKnobs({ ttft: 5, fault: 'server-error' as never, served: null })).toEqual({ ttft: 5, fault: 'server_error', served: null });
    expect(() => checkKnobs({ tokens: -3 })).toThrow(KnobError);
  });
});

describe('splitModelKnobs', () => {
  it('strips +knob=value suffixes off a model id', () => {
    expect(splitModelKnobs('gpt-4o')).toEqual({ model: 'gpt-4o', knobs: {} });
    expect(splitModelKnobs('llama3:8b+fault=rate-limit+ttft=200+fault_rate=0.5')).toEqual({
      model: 'llama3:8b',
      knobs: { fault: 'rate_limit', ttft: 200, faultRate: 0.5 },
    });
  });
});

describe('FaultGate', () => {
  it('gives exactly floor(n*rate) faults in the first n requests, for any n', () => {
    for (const rate of [0.1, 0.25, 1 / 3, 0.5, 0.9]) {
      const gate = new FaultGate();
      let hits = 0;
      for (let n = 1; n <= 100; n++) {
        if (gate.applies('server_error', rate)) hits++;
        expect(hits).toBe(Math.floor(n * rate + 1e-9));
      }
    }
  });

  it('counts each fault and rate separately and starts over after reset', () => {
    const gate = new FaultGate();
    expect([gate.applies('reset', 0.5), gate.applies('hang', 0.5), gate.applies('reset', 0.5)]).toEqual([false, false, true]);
    gate.reset();
    expect(gate.applies('reset', 0.5)).toBe(false);
    expect(gate.applies('reset', 1)).toBe(true);
    expect(gate.applies('reset', 0)).toBe(false);
  });
});

describe('expectedClass', () => {
  it('maps every fault to a failure class on every kind, with the documented exceptions', () => {
    expect(expectedClass('openai', null)).toBe('ok');
    expect(expectedClass('anthropic', 'overloaded-midstream')).toBe('overloaded');
    expect(expectedClass('gemini', 'prompt-blocked')).toBe('content_filter');
    expect(expectedClass('gemini', 'refusal')).toBe('ok');
    expect(expectedClass('ollama', 'content_filter')).toBe('ok');
    expect(expectedClass('openrouter', 'refusal')).toBe('refusal');
    expect(expectedClass('openai-compatible', 'hang-after-first')).toBe('timeout');
  });
});

describe('generatePieces', () => {
  it('is deterministic in seed and prompt and draws from the word list', () => {
    const a = generatePieces(1, 'hello', 20);
    expect(generatePieces(1, 'hello', 20)).toEqual(a);
    expect(generatePieces(2, 'hello', 20)).not.toEqual(a);
    expect(generatePieces(1, 'hello!', 20)).not.toEqual(a);
    expect(a).toHaveLength(20);
    const text = a.join('');
    expect(countWords(text)).toBe(20);
    for (const w of text.slice(0, -1).toLowerCase().split(' ')) expect(WORDS).toContain(w);
    expect(text).toMatch(/^[A-Z].*\.$/);
  });

  it('a shorter length is a prefix of a longer one, apart from the full stop', () => {
    const long = generatePieces(9, 'p', 10).join('');
    const short = generatePieces(9, 'p', 4).join('');
    expect(long.startsWith(short.slice(0, -1))).toBe(true);
    expect(generatePieces(0, 'p', 0)).toEqual([]);
  });
});

describe('countWords', () => {
  it('counts whitespace-separated words', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('  one\ttwo\n\nthree  ')).toBe(3);
  });
});
