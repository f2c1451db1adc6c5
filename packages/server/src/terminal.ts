import type { TLSSocket } from 'node:tls';
import type { Terminal } from '@renkei/access';
import type { FastifyRequest } from 'fastify';
import type { ResolvedOptions } from './options.js';

export interface RequestTerminal extends Terminal {
  /** A loopback connection standing in for the demo terminal. */
  demo: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** In demo mode, which demo terminal this browser stands for (set at login to the one of the user's facility). */
export const DEMO_TERMINAL_COOKIE = 'renkei-demo-terminal';

/**
 * The terminal certificate a request presents: verified in TLS against the
 * network CA, or by the trusted proxy; in demo mode, a loopback connection
 * without one stands for a demo terminal. Whether it is registered and
 * unrevoked is asked on every request (`identifyCaller`), so that a revoked
 * terminal is refused at once.
 */
export function presentedTerminal(request: FastifyRequest, options: ResolvedOptions): { serial: string; demo: boolean } | undefined {
  const serial = certificateSerial(request, options);
  if (serial) return { serial, demo: false };
  if (options.mode === 'demo' && LOOPBACK.has(request.socket.remoteAddress ?? '')) {
    const chosen = options.demoTerminals!.find((t) => t.serial === request.cookies[DEMO_TERMINAL_COOKIE]);
    return { serial: (chosen ?? options.demoTerminals![0]!).serial, demo: true };
  }
  return undefined;
}

function certificateSerial(request: FastifyRequest, options: ResolvedOptions): string | undefined {
  if (options.trustedProxyAddress !== undefined && request.socket.remoteAddress === options.trustedProxyAddress) {
    const verified = request.headers['x-ssl-client-verify'] === 'SUCCESS';
    const serial = request.headers['x-ssl-client-serial'];
    return verified && typeof serial === 'string' ? serial : undefined;
  }
  const socket = request.raw.socket as TLSSocket;
  if (!socket.encrypted || !socket.authorized) return undefined;
  // A connection's certificate does not change: read it once per connection (the lookup of its registration is still per request).
  let serial = peerSerials.get(socket);
  if (serial === undefined) {
    serial = socket.getPeerCertificate().serialNumber ?? '';
    peerSerials.set(socket, serial);
  }
  return serial || undefined;
}

const peerSerials = new WeakMap<TLSSocket, string>();
