/**
 * What each provider kind needs by default: its usual base URL, whether it
 * takes a key, and the environment variable a key is usually kept in.
 */
import type { ProviderKind } from './schemas';

export interface ProviderKindInfo {
  label: string;
  defaultBaseUrl: string;
  needsKey: boolean;
  envVar: string | null;
}

export const PROVIDER_KIND_INFO: Record<ProviderKind, ProviderKindInfo> = {
  openai: { label: 'OpenAI', defaultBaseUrl: 'https://api.openai.com/v1', needsKey: true, envVar: 'OPENAI_API_KEY' },
  anthropic: { label: 'Anthropic', defaultBaseUrl: 'https://api.anthropic.com/v1', needsKey: true, envVar: 'ANTHROPIC_API_KEY' },
  gemini: { label: 'Google Gemini', defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta', needsKey: true, envVar: 'GEMINI_API_KEY' },
  openrouter: { label: 'OpenRouter', defaultBaseUrl: 'https://openrouter.ai/api/v1', needsKey: true, envVar: 'OPENROUTER_API_KEY' },
  ollama: { label: 'Ollama', defaultBaseUrl: 'http://127.0.0.1:11434', needsKey: false, envVar: null },
  'openai-compatible': { label: 'OpenAI-compatible', defaultBaseUrl: 'http://127.0.0.1:1234/v1', needsKey: false, envVar: null },
};

/** The mock provider's default port (`npm run mock`). */
export const MOCK_PORT = 11555;
