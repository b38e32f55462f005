/**
 * For tests: loads the app's Monaco set-up (./monaco) in jsdom. jsdom lacks
 * what Monaco's view reaches for at start-up; none of it bears on the text
 * model and cursor the tests drive. A null 2D context is what a browser without
 * canvas gives, and Monaco falls back from it.
 */
export async function loadMonacoInJsdom() {
  globalThis.CSS ??= { escape: (s: string) => s.replace(/[^A-Za-z0-9_-]/g, (c) => `\\${c}`) } as typeof CSS;
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
  return import('./monaco');
}
