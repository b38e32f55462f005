/**
 * The bridge's channel names without their schemas, so the sandboxed preload
 * (which can't `require` packages) stays one small bundle with no zod in it.
 * contract.ts checks at compile time that these lists match its own keys.
 */
export const CALL_CHANNELS = [
  'app:info',
  'settings:get',
  'settings:update',
  'secrets:set',
  'secrets:status',
  'secrets:delete',
  'secrets:scanEnv',
  'secrets:importEnv',
  'providers:test',
  'providers:detectLocal',
  'files:saveText',
  'files:beginSave',
  'files:appendChunk',
  'files:finishSave',
  'files:abortSave',
  'files:downloadUrl',
  'backups:list',
  'backups:begin',
  'backups:finish',
  'backups:read',
  'stream:cancel',
] as const;

export const STREAM_CHANNELS = ['model:call'] as const;
