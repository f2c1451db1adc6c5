import { createHmac } from 'node:crypto';
import type { ServerKeys } from '@renkei/store';

/**
 * How the audit trail (in the clinical store) refers to a Renkei card, a My
 * Number card's certificate or a patient access: by a keyed hash, never the number or id itself. With a copy
 * of the identity store, a plain card number in the trail would link the
 * trail's pseudonyms to persons; the hash links nothing without the server key,
 * and the server can still find a card's records by hashing its number.
 */
export function cardReference(keys: Pick<ServerKeys, 'lookup'>, cardNumber: string): string {
  return reference(keys, 'card number', cardNumber);
}

/** A My Number card's certificate, by its fingerprint (the identity store's key for its binding). */
export function myNumberCardReference(keys: Pick<ServerKeys, 'lookup'>, fingerprint: string): string {
  return reference(keys, 'my number certificate', fingerprint);
}

export function accessReference(keys: Pick<ServerKeys, 'lookup'>, accessId: string): string {
  return reference(keys, 'patient access', accessId);
}

function reference(keys: Pick<ServerKeys, 'lookup'>, purpose: string, value: string): string {
  return createHmac('sha256', keys.lookup).update(`audit ${purpose}\u0000`).update(value).digest('base64url').slice(0, 22);
}
