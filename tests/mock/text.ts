/**
 * Deterministic output text: words drawn from a fixed list by a PRNG seeded with
 * the seed knob and the prompt, so the same seed and prompt always stream the
 * same words. One word is one token, which keeps usage counts checkable.
 */
import { mulberry32 } from '../../shared/stats/prng';

export const WORDS: readonly string[] = [
  'the', 'floor', 'matters', 'more', 'than', 'ceiling', 'model', 'answer',
  'tenth', 'percentile', 'every', 'attempt', 'counts', 'journal', 'keeps', 'record',
  'prompt', 'case', 'repeat', 'latency', 'token', 'stream', 'server', 'client',
  'quiet', 'river', 'stone', 'lamp', 'paper', 'window', 'garden', 'signal',
  'measure', 'honest', 'local', 'machine', 'data', 'export', 'import', 'grade',
  'check', 'judge', 'pass', 'fail', 'retry', 'limit', 'rate', 'cost',
  'small', 'steady', 'bright', 'simple', 'careful', 'clear', 'plain', 'exact',
  'north', 'south', 'east', 'west', 'morning', 'evening', 'winter', 'summer',
];

/** FNV-1a over UTF-16 code units: cheap and stable across runs. */
export function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}


/**
 * The pieces to stream, one per token: the first word capitalised, each later
 * one with a leading space, a full stop on the last. Joined they are the text.
 */
export function generatePieces(seed: number, prompt: string, tokens: number): string[] {
  const rand = mulberry32(hashString(prompt, hashString(String(seed))));
  const pieces: string[] = new Array(tokens);
  for (let i = 0; i < tokens; i++) {
    const w = WORDS[Math.floor(rand() * WORDS.length)];
    pieces[i] = i === 0 ? w[0].toUpperCase() + w.slice(1) : ' ' + w;
  }
  if (tokens > 0) pieces[tokens - 1] += '.';
  return pieces;
}

/** Whitespace-separated words: the mock's count of input tokens. */
export function countWords(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 13 || c === 9;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** The canned refusal, split into tokens the same way as generated text. */
export const REFUSAL_PIECES: readonly string[] = ["I'm", ' sorry,', ' but', ' I', " can't", ' help', ' with', ' that.'];
