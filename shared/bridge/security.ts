/**
 * The Content-Security-Policy for every window and for the browser host, in one
 * place so Electron and the browser behave the same. Monaco injects styles and
 * runs its language services in blob:/same-origin workers; nothing else may load
 * from anywhere but the app itself (no CDN: Tenth works offline).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
