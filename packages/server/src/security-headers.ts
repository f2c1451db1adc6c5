import type { FastifyInstance } from 'fastify';

/** Set once for every answer. */
export function registerSecurityHeaders(app: FastifyInstance, cardHelperUrl: string): void {
  // Scripts may call the server and, for My Number cards, the card helper on this PC: nothing else.
  // The image viewer's codecs are WebAssembly, which may be compiled ('wasm-unsafe-eval'); eval of script stays refused.
  const csp = `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ${new URL(cardHelperUrl).origin}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
  app.addHook('onSend', async (_request, reply) => {
    // HTTPS only, for a year, so a downgrade cannot be forced.
    reply.header('Strict-Transport-Security', 'max-age=31536000');
    // The browser must not guess content types (a JSON answer is never run as script).
    reply.header('X-Content-Type-Options', 'nosniff');
    // No other site may frame Renkei's screens (clickjacking).
    reply.header('X-Frame-Options', 'DENY');
    // Addresses carry access ids: they must not travel to other sites.
    reply.header('Referrer-Policy', 'no-referrer');
    // Only Renkei's own scripts, styles and images; camera for the QR reader, nothing else.
    reply.header('Content-Security-Policy', csp);
    reply.header('Permissions-Policy', 'camera=(self), microphone=(), geolocation=()');
    // Patient data must not stay in caches, shared or private: nothing is kept unless its route says otherwise (the web app's own files).
    if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
  });
}
