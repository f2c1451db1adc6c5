import type { TLSSocket } from 'node:tls';
import { findActiveTerminal, type Terminal } from '@renkei/access';
import type { FastifyRequest } from 'fastify';
import type { ResolvedOptions } from './options.js';

export interface RequestTerminal extends Terminal {
  /** A loopback connection standing in for the demo terminal. */
  demo: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * The registered terminal a request comes from: the client certificate verified
 * in TLS against the network CA, or the one the trusted proxy verified. Looked
 * up on every request, so that a revoked terminal is refused at once.
 */
export async function identifyTerminal(request: FastifyRequest, options: ResolvedOptions): Promise<RequestTerminal | undefined> {
  const serial = certificateSerial(request, options);
  if (serial) {
    const terminal = await findActiveTerminal(options.stores.identity, serial);
    return terminal && { ...terminal, demo: false };
  }
  if (options.mode === 'demo' && LOOPBACK.has(request.socket.remoteAddress ?? '')) {
    const terminal = await findActiveTerminal(options.stores.identity, options.demoTerminalSerial!);
    return terminal && { ...terminal, demo: true };
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
