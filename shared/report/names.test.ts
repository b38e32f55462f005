import { describe, expect, it } from 'vitest';
import { caseName, nameTarget, nameTargets, parseTargetKey, targetKey, type NamingProvider } from './names';

const LARGE = 'mock-large+ttft=400+tps=40+tokens=24+fault=overloaded+fault-rate=0.2';
const SMALL = 'mock-small+ttft=150+tps=80';
const providers: NamingProvider[] = [
  { id: 'p-mock', name: 'Tenth mock', models: [{ id: LARGE, displayName: 'mock-large (flaky)' }, { id: SMALL, displayName: 'mock-small' }] },
  { id: 'p-proxy', name: 'Mock via proxy', models: [{ id: SMALL }] },
  { id: 'p-ollama', name: 'Ollama', models: [{ id: 'llama3', displayName: 'Llama 3' }, { id: 'llama3:8b', displayName: 'Llama 3' }] },
];

describe('target names', () => {
  it('keys a target by provider and model, and splits the key back', () => {
    expect(targetKey('p-mock', SMALL)).not.toBe(targetKey('p-proxy', SMALL));
    expect(parseTargetKey(targetKey('p-mock', 'a:b/c'))).toEqual({ providerId: 'p-mock', model: 'a:b/c' });
  });

  it('shows the display name, not the id with its knobs, and keeps the ids for the tooltip', () => {
    const n = nameTargets([{ providerId: 'p-mock', model: LARGE }, { providerId: 'p-mock', model: SMALL }], providers);
    expect([...n.values()].map((x) => x.label)).toEqual(['mock-large (flaky)', 'mock-small']);
    expect(n.get(targetKey('p-mock', LARGE))!.title).toBe(`${LARGE} on Tenth mock (provider p-mock)`);
  });

  it('adds the provider name only where the same model id is on more than one provider', () => {
    const n = nameTargets(
      [
        { providerId: 'p-mock', model: LARGE },
        { providerId: 'p-mock', model: SMALL },
        { providerId: 'p-proxy', model: SMALL },
      ],
      providers,
    );
    expect(n.get(targetKey('p-mock', LARGE))!.label).toBe('mock-large (flaky)');
    expect(n.get(targetKey('p-mock', SMALL))!.label).toBe('mock-small · Tenth mock');
    // No display name on the proxy: the id, which here reads the same as the other's display name.
    expect(n.get(targetKey('p-proxy', SMALL))!.label).toBe(`${SMALL} · Mock via proxy`);
  });

  it('tells apart two models one provider gave the same display name, and unknown providers by id', () => {
    const n = nameTargets(
      [
        { providerId: 'p-ollama', model: 'llama3' },
        { providerId: 'p-ollama', model: 'llama3:8b' },
        { providerId: 'gone', model: 'm' },
        { providerId: 'gone-too', model: 'm' },
      ],
      providers,
    );
    expect([...n.values()].map((x) => x.label)).toEqual(['Llama 3 (llama3)', 'Llama 3 (llama3:8b)', 'm · gone', 'm · gone-too']);
    expect(new Set([...n.values()].map((x) => x.label)).size).toBe(4);
    expect(nameTarget({ providerId: 'gone', model: 'm' }, providers)).toMatchObject({ label: 'm', providerName: 'gone', title: 'm on gone' });
  });
});

describe('caseName', () => {
  it('is the label, else the variables, else the id without its prompt prefix', () => {
    expect(caseName({ label: 'France', vars: { country: 'France' } }, '01M80H2AGER06MFB6FZZ3TX4Z4')).toBe('France');
    expect(caseName({ label: null, vars: { country: 'France', lang: 'fr' } }, '01M80H2AGER06MFB6FZZ3TX4Z4')).toBe('country=France, lang=fr');
    expect(caseName({ label: '  ', vars: { text: 'x'.repeat(100) } }, 'id')).toBe(`text=${'x'.repeat(39)}…`);
    expect(caseName({ label: null, vars: {} }, 'id')).toBe('no variables');
    expect(caseName(undefined, 'summarise:c01', 'summarise')).toBe('c01');
    expect(caseName(undefined, 'summarise:default', 'summarise')).toBe('no case');
    expect(caseName(undefined, '01M80H2AGER06MFB6FZZ3TX4Z4')).toBe('01M80H2AGER06MFB6FZZ3TX4Z4');
  });
});
