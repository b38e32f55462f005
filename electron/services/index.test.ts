import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportsDirChooser } from './files';
import { createServices } from './index';
import { createModelService } from './models';
import { memorySecretBackend } from './secrets';

async function services() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tenth-svc-'));
  const s = createServices({
    host: 'direct',
    dataDir,
    version: '0.0.0',
    secretBackend: memorySecretBackend({ p1: 'sk-canary-0123456789abcdef' }),
    chooseSavePath: exportsDirChooser(join(dataDir, 'exports')),
    models: (secrets) => createModelService({ getKey: (id) => secrets.get(id) }),
    env: {},
  });
  return { ...s, dataDir };
}

describe('services refuse to write a stored key into any file', () => {
  it('whole files', async () => {
    const { server } = await services();
    const res = await server.invoke('files:saveText', { suggestedName: 'r.md', content: 'output: sk-canary-0123456789abcdef' });
    expect(res).toMatchObject({ ok: false, error: { code: 'secret_in_export' } });
    expect(JSON.stringify(res)).not.toContain('sk-canary');
    expect(await server.invoke('files:saveText', { suggestedName: 'r.md', content: 'fine' })).toMatchObject({ ok: true });
  });

  it('chunked files, even with the key split across two chunks', async () => {
    const { server, dataDir } = await services();
    const begin = (await server.invoke('files:beginSave', { suggestedName: 'x.jsonl' })) as { ok: true; value: { handle: string } };
    expect(begin.ok).toBe(true);
    const handle = begin.value.handle;
    expect(await server.invoke('files:appendChunk', { handle, text: '{"a":"sk-canary-01234' })).toMatchObject({ ok: true });
    expect(await server.invoke('files:appendChunk', { handle, text: '56789abcdef"}\n' })).toMatchObject({ ok: false, error: { code: 'secret_in_export' } });
    // Nothing with the key is left on disk.
    for (const name of await readdir(join(dataDir, 'exports')).catch(() => [] as string[])) {
      expect(await readFile(join(dataDir, 'exports', name), 'utf8')).not.toContain('56789abcdef');
    }
  });

  it('chunks sent as bytes: written as they came, and a key split across them (raw or JSON-escaped) refused', async () => {
    const made = await services();
    const { server, dataDir } = made;
    const begin = (await server.invoke('files:beginSave', { suggestedName: 'b.jsonl' })) as { ok: true; value: { handle: string; path: string } };
    const handle = begin.value.handle;
    const text = 'línea ✓ {"x":1}\n';
    expect(await made.appendChunkBytes(handle, Buffer.from(text))).toEqual({ bytes: Buffer.byteLength(text) });
    expect(await server.invoke('files:appendChunk', { handle, text: 'then text\n' })).toMatchObject({ ok: true });
    const done = (await server.invoke('files:finishSave', { handle })) as { ok: true; value: { path: string } };
    expect(await readFile(done.value.path, 'utf8')).toBe(`${text}then text\n`);

    const again = (await server.invoke('files:beginSave', { suggestedName: 'c.jsonl' })) as { ok: true; value: { handle: string } };
    const h2 = again.value.handle;
    await made.appendChunkBytes(h2, Buffer.from('{"a":"sk-canary-0123'));
    await expect(made.appendChunkBytes(h2, Buffer.from('456789abcdef"}\n'))).rejects.toMatchObject({ code: 'secret_in_export' });
    await expect(made.appendChunkBytes('x'.repeat(101), Buffer.from('a'))).rejects.toMatchObject({ code: 'invalid_args' });
    for (const name of await readdir(join(dataDir, 'exports')).catch(() => [] as string[])) {
      expect(await readFile(join(dataDir, 'exports', name), 'utf8')).not.toContain('456789abcdef');
    }
  });
});
