import { createHmac } from 'node:crypto';

/**
 * The pseudonym under which the clinical store knows a person: an HMAC of the
 * person's id under the server's pseudonym key, written as a UUID. Neither
 * store holds the key, so neither alone links a pseudonym to a person.
 */
export function pseudonymFor(pseudonymKey: Buffer, personId: string): string {
  const hex = createHmac('sha256', pseudonymKey).update(personId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
