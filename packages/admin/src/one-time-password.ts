import { randomInt } from 'node:crypto';

/** 16 characters, no look-alikes (0/O, 1/l/I), easy to type from a printed sheet: about 92 bits. */
export function readablePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
}
