/**
 * The layering of STYLE.md is enforced by lint (eslint.config.js); this proves a
 * deliberate violation fails, so the rule can't silently rot.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint', () => {
  it.each([
    ['shared/domain/bad.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['shared/domain/bad.ts', "import { useState } from 'react';\nexport const a = useState;\n"],
    ['shared/domain/bad.ts', "import { readFile } from 'node:fs';\nexport const a = readFile;\n"],
    ['shared/domain/bad.ts', "import { api } from '../../renderer/src/bridge';\nexport const a = api;\n"],
    ['shared/domain/bad.ts', "import { createServices } from '../../electron/services/index';\nexport const a = createServices;\n"],
    ['renderer/src/bad.ts', "import { createServices } from '../../electron/services/index';\nexport const a = createServices;\n"],
    ['renderer/src/bad.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"],
    ['electron/main/bad.ts', "import { api } from '../../renderer/src/bridge';\nexport const a = api;\n"],
    ['electron/services/bad.ts', "import { safeStorage } from 'electron';\nexport const a = safeStorage;\n"],
  ])('%s may not: %s', async (file, code) => {
    expect((await problems(file, code)).length).toBeGreaterThan(0);
  });

  it.each([
    ['shared/domain/ok.ts', "import { z } from 'zod';\nexport const a = z;\n"],
    ['renderer/src/ok.ts', "import { calls } from '../../shared/bridge/contract';\nexport const a = calls;\n"],
    ['electron/main/ok.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['electron/services/ok.ts', "import { readFile } from 'node:fs';\nexport const a = readFile;\n"],
  ])('%s may: %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
