/**
 * Provider keys. Only this service ever sees a key in clear; the renderer gets
 * `{hasKey, last4}`. Two backends: Electron's safeStorage (OS keychain-backed
 * encryption, injected by the Electron entry so this file imports nothing from
 * 'electron'), and for the browser host a JSON file readable only by the user
 * (mode 0600) in the data folder.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyStatus } from '../../shared/bridge/contract';
import { invalidKeyReason } from '../../shared/providers/request';

/** The part of Electron's safeStorage we use. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface SecretBackend {
  readonly kind: 'safeStorage' | 'file' | 'memory';
  load(): Promise<Record<string, string>>;
  save(all: Record<string, string>): Promise<void>;
}

async function writePrivate(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

async function readJson(file: string): Promise<Record<string, string>> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return {};
}

/** Keys in clear in a 0600 file: the browser host's store (the README says so). */
export function fileSecretBackend(file: string): SecretBackend {
  return {
    kind: 'file',
    load: () => readJson(file),
    save: (all) => writePrivate(file, JSON.stringify(all)),
  };
}

/** Keys encrypted with safeStorage; the file holds base64 ciphertext only. */
export function safeStorageSecretBackend(file: string, safeStorage: SafeStorageLike): SecretBackend {
  return {
    kind: 'safeStorage',
    async load() {
      const stored = await readJson(file);
      const out: Record<string, string> = {};
      for (const [id, b64] of Object.entries(stored)) {
        out[id] = safeStorage.decryptString(Buffer.from(b64, 'base64'));
      }
      return out;
    },
    async save(all) {
      if (!safeStorage.isEncryptionAvailable()) {
        throw Object.assign(new Error('The OS keychain is not available, so keys cannot be stored safely.'), {
          code: 'keychain_unavailable',
        });
      }
      const enc = Object.fromEntries(
        Object.entries(all).map(([id, key]) => [id, safeStorage.encryptString(key).toString('base64')]),
      );
      await writePrivate(file, JSON.stringify(enc));
    },
  };
}

export function memorySecretBackend(initial: Record<string, string> = {}): SecretBackend {
  let store = { ...initial };
  return {
    kind: 'memory',
    load: async () => ({ ...store }),
    save: async (all) => {
      store = { ...all };
    },
  };
}

/** Environment variables that "Import from environment" reads. */
export const ENV_KEYS = [
  { envVar: 'OPENAI_API_KEY', kind: 'openai' },
  { envVar: 'ANTHROPIC_API_KEY', kind: 'anthropic' },
  { envVar: 'GEMINI_API_KEY', kind: 'gemini' },
  { envVar: 'OPENROUTER_API_KEY', kind: 'openrouter' },
] as const;

export interface SecretsService {
  readonly kind: SecretBackend['kind'];
  get(providerId: string): Promise<string | null>;
  set(providerId: string, key: string): Promise<KeyStatus>;
  status(providerId: string): Promise<KeyStatus>;
  remove(providerId: string): Promise<KeyStatus>;
  scanEnv(): { envVar: string; kind: (typeof ENV_KEYS)[number]['kind']; last4: string }[];
  importEnv(providerId: string, envVar: string): Promise<KeyStatus>;
  /** Every stored key, for redaction checks in logs and exports. */
  all(): Promise<string[]>;
}

const last4 = (key: string) => (key.length >= 8 ? key.slice(-4) : '…');

export function createSecretsService(backend: SecretBackend, env: NodeJS.ProcessEnv = process.env): SecretsService {
  let cache: Record<string, string> | null = null;
  // Serialise writes so two quick saves can't interleave and lose a key.
  let queue: Promise<unknown> = Promise.resolve();
  const load = async () => (cache ??= await backend.load());
  const statusOf = (providerId: string, key: string | undefined): KeyStatus => ({
    providerId,
    hasKey: Boolean(key),
    last4: key ? last4(key) : null,
  });
  const mutate = (fn: (all: Record<string, string>) => void) => {
    const run = queue.then(async () => {
      const next = { ...(await load()) };
      fn(next);
      await backend.save(next);
      cache = next;
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const service: SecretsService = {
    kind: backend.kind,
    async get(providerId) {
      return (await load())[providerId] ?? null;
    },
    async set(providerId, key) {
      const trimmed = key.trim();
      const invalid = invalidKeyReason(trimmed);
      if (invalid) throw Object.assign(new Error(invalid), { code: 'invalid_key' });
      await mutate((all) => {
        all[providerId] = trimmed;
      });
      return statusOf(providerId, trimmed);
    },
    async status(providerId) {
      return statusOf(providerId, (await load())[providerId]);
    },
    async remove(providerId) {
      await mutate((all) => {
        delete all[providerId];
      });
      return statusOf(providerId, undefined);
    },
    scanEnv() {
      return ENV_KEYS.flatMap(({ envVar, kind }) => {
        const value = env[envVar]?.trim();
        return value ? [{ envVar, kind, last4: last4(value) }] : [];
      });
    },
    async importEnv(providerId, envVar) {
      if (!ENV_KEYS.some((k) => k.envVar === envVar)) {
        throw Object.assign(new Error(`${envVar} is not a key variable Tenth reads.`), { code: 'invalid_env' });
      }
      const value = env[envVar]?.trim();
      if (!value) throw Object.assign(new Error(`${envVar} is not set in the environment.`), { code: 'env_missing' });
      return service.set(providerId, value);
    },
    async all() {
      return Object.values(await load());
    },
  };
  return service;
}
