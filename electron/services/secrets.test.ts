import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretsService, fileSecretBackend, safeStorageSecretBackend, type SafeStorageLike } from './secrets';

const dir = () => mkdtemp(join(tmpdir(), 'tenth-secrets-'));

describe('secrets', () => {
  it('keeps keys in a 0600 file and shows only the last 4 characters', async () => {
    const file = join(await dir(), 'secrets.json');
    const secrets = createSecretsService(fileSecretBackend(file), {});
    expect(await secrets.set('openai', '  sk-test-123456789  ')).toEqual({ providerId: 'openai', hasKey: true, last4: '6789' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // A fresh service reads it back.
    const again = createSecretsService(fileSecretBackend(file), {});
    expect(await again.get('openai')).toBe('sk-test-123456789');
    expect(await again.status('nope')).toEqual({ providerId: 'nope', hasKey: false, last4: null });
    expect(await again.remove('openai')).toMatchObject({ hasKey: false });
    expect(await createSecretsService(fileSecretBackend(file), {}).get('openai')).toBeNull();
  });

  it('never writes a key in clear with safeStorage', async () => {
    const file = join(await dir(), 'secrets.bin.json');
    const fake: SafeStorageLike = {
      isEncryptionAvailable: () => true,
      encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
      decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
    };
    const secrets = createSecretsService(safeStorageSecretBackend(file, fake), {});
    await secrets.set('anthropic', 'sk-ant-canary-0001');
    expect(await readFile(file, 'utf8')).not.toContain('sk-ant-canary');
    expect(await createSecretsService(safeStorageSecretBackend(file, fake), {}).get('anthropic')).toBe('sk-ant-canary-0001');
  });

  it('refuses to store keys when the keychain is unavailable', async () => {
    const file = join(await dir(), 's.json');
    const none: SafeStorageLike = { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' };
    await expect(createSecretsService(safeStorageSecretBackend(file, none), {}).set('p', 'k')).rejects.toMatchObject({ code: 'keychain_unavailable' });
  });

  it('imports keys from the environment, showing only the last 4 before import', async () => {
    const file = join(await dir(), 'secrets.json');
    const secrets = createSecretsService(fileSecretBackend(file), { OPENAI_API_KEY: 'sk-env-abcdef9999', UNRELATED: 'x' });
    expect(secrets.scanEnv()).toEqual([{ envVar: 'OPENAI_API_KEY', kind: 'openai', last4: '9999' }]);
    await expect(secrets.importEnv('p', 'ANTHROPIC_API_KEY')).rejects.toMatchObject({ code: 'env_missing' });
    await expect(secrets.importEnv('p', 'PATH')).rejects.toMatchObject({ code: 'invalid_env' });
    expect(await secrets.importEnv('p', 'OPENAI_API_KEY')).toMatchObject({ hasKey: true, last4: '9999' });
  });

  it('does not lose a key when two saves race', async () => {
    const file = join(await dir(), 'secrets.json');
    const secrets = createSecretsService(fileSecretBackend(file), {});
    await Promise.all([secrets.set('a', 'key-aaaaaaaa'), secrets.set('b', 'key-bbbbbbbb')]);
    const fresh = createSecretsService(fileSecretBackend(file), {});
    expect(await fresh.get('a')).toBe('key-aaaaaaaa');
    expect(await fresh.get('b')).toBe('key-bbbbbbbb');
  });
});

describe('keys are checked when stored', () => {
  it('refuses keys with characters that cannot be sent in a header', async () => {
    const secrets = createSecretsService(fileSecretBackend(join(await dir(), 's.json')), {});
    await expect(secrets.set('p', 'sk-abc\ndef-123456')).rejects.toMatchObject({ code: 'invalid_key' });
    await expect(secrets.set('p', 'sk abc def 123456')).rejects.toMatchObject({ code: 'invalid_key' });
    // A trailing CR or newline is trimmed, as pasted keys often carry one.
    expect(await secrets.set('p', 'sk-abcdef-123456\r\n')).toMatchObject({ hasKey: true, last4: '3456' });
  });
});
