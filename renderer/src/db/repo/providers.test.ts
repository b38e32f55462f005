import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../db';
import { baseUrlProblem, hostProblem, saveProvider, validateProvider, type ProviderDraft } from './providers';

const draft = (over: Partial<ProviderDraft> = {}): ProviderDraft => ({
  name: 'Tenth mock',
  kind: 'openai-compatible',
  baseUrl: 'http://127.0.0.1:4010/v1',
  headers: {},
  concurrency: 4,
  rpm: null,
  models: [],
  ...over,
});

beforeEach(async () => {
  await getDb().providers.clear();
});

describe('validateProvider: names', () => {
  it('refuses a name that differs from another only in case or surrounding spaces, and names the clash', async () => {
    await saveProvider(draft());
    const errors = await validateProvider(draft({ name: '  tenth MOCK ' }));
    expect(errors.name).toBe('A provider named “Tenth mock” already exists; names that differ only in case are the same name.');
    expect((await validateProvider(draft({ name: 'Tenth mock' }))).name).toBe('A provider named “Tenth mock” already exists.');
  });

  it('lets a provider keep or recase its own name, and takes a new one', async () => {
    const saved = await saveProvider(draft());
    expect(await validateProvider(draft({ id: saved.id, name: 'TENTH MOCK' }))).toEqual({});
    expect(await validateProvider(draft({ name: 'Tenth mock 2' }))).toEqual({});
  });
});

describe('baseUrlProblem', () => {
  it('refuses whitespace anywhere in the URL', () => {
    for (const url of ['https://exa mple.com/v1', 'https://example.com/v 1', 'https://example.com/v1?x=a b', 'https://example.com\t/v1']) {
      expect(baseUrlProblem(url), url).toMatch(/contains a space/);
    }
    // Around it is only what a paste brings along: saving trims it.
    expect(baseUrlProblem('  https://api.openai.com/v1\n')).toBeNull();
  });

  it('refuses a host that cannot be a host name', () => {
    for (const url of ['http://-bad.example/v1', 'http://bad-.example', 'https://..com', 'http://a..b/v1', 'http://ex!ample.com', 'http://a*b.com']) {
      expect(baseUrlProblem(url), url).toMatch(/can’t be a host name/);
    }
    expect(baseUrlProblem('http://-bad.example/v1')).toBe('“-bad.example” can’t be a host name: use letters, digits, dots and hyphens (for example api.openai.com or 127.0.0.1).');
    // Chromium's parser (the app's) takes "https://exa mple.com" with the space
    // escaped; the WHATWG parser here refuses it before the host is looked at.
    expect(hostProblem('exa%20mple.com')).toBe('“exa mple.com” can’t be a host name: use letters, digits, dots and hyphens (for example api.openai.com or 127.0.0.1).');
    expect(hostProblem('api.openai.com')).toBeNull();
  });

  it('accepts the hosts people use', () => {
    for (const url of [
      'https://api.openai.com/v1',
      'http://localhost:11434',
      'http://127.0.0.1:9',
      'http://[::1]:8080/v1',
      'http://llm_gateway:8000/v1',
      'https://example.com./v1',
      'https://bücher.example/v1',
    ]) {
      expect(baseUrlProblem(url), url).toBeNull();
    }
  });

  it('keeps the scheme and syntax checks', () => {
    expect(baseUrlProblem('ftp://example.com')).toMatch(/http:\/\/ or https:\/\//);
    expect(baseUrlProblem('not a url')).toMatch(/not a valid URL/);
    expect(baseUrlProblem('example.com/v1')).toMatch(/not a valid URL/);
    expect(baseUrlProblem('')).toMatch(/Give the base URL/);
  });
});
