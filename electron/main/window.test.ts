import { describe, expect, it, vi } from 'vitest';
import { guardContents, isAppUrl, isExternalSafe, mainWindowOptions, setDevRendererOrigin, type GuardedContents } from './window';
import { resolveAppFile, responseHeaders } from './protocol';

describe('the main window is locked down', () => {
  it('isolates, sandboxes and disables node in every frame', () => {
    const prefs = mainWindowOptions('/x/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/x/preload.cjs',
    });
  });

  function fakeContents() {
    const handlers: Record<string, (event: { preventDefault(): void }, url: string) => void> = {};
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    let permission: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
    let check: ((wc: unknown, p: string) => boolean) | null = null;
    const contents = {
      on: (name: string, fn: never) => {
        handlers[name] = fn;
      },
      setWindowOpenHandler: (fn: never) => {
        openHandler = fn;
      },
      session: {
        setPermissionRequestHandler: (fn: never) => {
          permission = fn;
        },
        setPermissionCheckHandler: (fn: never) => {
          check = fn;
        },
      },
    } as unknown as GuardedContents;
    return { contents, handlers, open: () => openHandler!, permission: () => permission!, check: () => check! };
  }

  it('blocks navigation away from the app and webviews', () => {
    const f = fakeContents();
    guardContents(f.contents, vi.fn());
    for (const [url, blocked] of [
      ['https://example.com/', true],
      ['file:///etc/passwd', true],
      ['app://evil/index.html', true],
      ['app://tenth/index.html#/stats', false],
    ] as const) {
      const event = { preventDefault: vi.fn() };
      f.handlers['will-navigate']!(event, url);
      expect(event.preventDefault).toHaveBeenCalledTimes(blocked ? 1 : 0);
    }
    const redirect = { preventDefault: vi.fn() };
    f.handlers['will-redirect']!(redirect, 'http://example.com');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    (f.handlers['will-attach-webview'] as unknown as (e: typeof webview) => void)(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('opens only https links, in the system browser, and never a new window', () => {
    const f = fakeContents();
    const openExternal = vi.fn();
    guardContents(f.contents, openExternal);
    expect(f.open()({ url: 'https://docs.example.com/x' })).toEqual({ action: 'deny' });
    expect(f.open()({ url: 'http://insecure.example.com' })).toEqual({ action: 'deny' });
    expect(f.open()({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(f.open()({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(openExternal).toHaveBeenCalledWith('https://docs.example.com/x');
  });

  it('denies every permission request', () => {
    const f = fakeContents();
    guardContents(f.contents, vi.fn());
    const cb = vi.fn();
    f.permission()(null, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    expect(f.check()(null, 'notifications')).toBe(false);
  });

  it('trusts the dev server only in an unpackaged app', () => {
    setDevRendererOrigin('http://localhost:5173/', false);
    expect(isAppUrl('http://localhost:5173/index.html')).toBe(true);
    expect(isAppUrl('app://tenth/index.html')).toBe(false);
    setDevRendererOrigin('http://localhost:5173/', true);
    expect(isAppUrl('http://localhost:5173/index.html')).toBe(false);
    setDevRendererOrigin(undefined, false);
    expect(isAppUrl('app://tenth/index.html')).toBe(true);
  });

  it('recognises only our own origin', () => {
    expect(isAppUrl('app://tenth/x')).toBe(true);
    expect(isAppUrl('app://tenth.evil/x')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isExternalSafe('https://a.b')).toBe(true);
    expect(isExternalSafe('mailto:a@b')).toBe(false);
  });
});

describe('app:// protocol', () => {
  it('serves files under the renderer root only', () => {
    expect(resolveAppFile('app://tenth/', '/r')).toBe('/r/index.html');
    expect(resolveAppFile('app://tenth/assets/a.js', '/r')).toBe('/r/assets/a.js');
    expect(resolveAppFile('app://tenth/../../etc/passwd', '/r')).toBe('/r/etc/passwd');
    // The URL parser folds encoded dot segments too: still inside the root.
    expect(resolveAppFile('app://tenth/%2e%2e/%2e%2e/etc/passwd', '/r')).toBe('/r/etc/passwd');
    expect(resolveAppFile('app://tenth/..%2f..%2fetc/passwd', '/r')).toBeNull();
  });
  it('sends the CSP with every file', () => {
    const h = responseHeaders('/r/index.html');
    expect(h['content-type']).toContain('text/html');
    expect(h['content-security-policy']).toContain("script-src 'self'");
    expect(h['content-security-policy']).not.toContain('unsafe-eval');
  });
});
