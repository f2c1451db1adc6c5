import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db, ServerKeys } from '@renkei/store';

/**
 * Renkei cards. The QR code reads `RKC1-<card number>-<secret>`: capitals,
 * digits and hyphens only, because a USB 2D reader types it through whatever
 * keyboard layout the PC has. The card number is 16 digits with a Luhn check
 * digit (it is also printed and read aloud); the secret is 160 random bits in
 * base32. The store keeps a keyed hash of the secret, never the secret.
 */
const QR_PATTERN = /^RKC1-(\d{16})-([A-Z2-7]{32})$/;

export type CardStatus = 'active' | 'suspended' | 'revoked' | 'replaced';

export interface IssuedCard {
  cardNumber: string;
  qr: string;
}

/** Issues a new card to a person. With `replacing`, the old card stops working in the same transaction. */
export async function issueCard(db: Db, keys: ServerKeys, personId: string, options: { label?: string; replacing?: string; now?: Date } = {}): Promise<IssuedCard> {
  const secret = base32(randomBytes(20));
  const cardNumber = newCardNumber();
  const now = options.now ?? new Date();
  await db.transaction(async (tx) => {
    if (options.replacing) {
      await tx.query("UPDATE cards SET status = 'replaced', status_changed_at = $3 WHERE card_number = $1 AND person_id = $2", [options.replacing, personId, now]);
    }
    await tx.query('INSERT INTO cards (card_number, person_id, secret_hash, label, issued_at) VALUES ($1, $2, $3, $4, $5)', [
      cardNumber,
      personId,
      secretHash(keys, secret),
      options.label ?? null,
      now,
    ]);
  });
  return { cardNumber, qr: `RKC1-${cardNumber}-${secret}` };
}

export async function setCardStatus(db: Db, cardNumber: string, status: Exclude<CardStatus, 'replaced'>, now = new Date()): Promise<boolean> {
  const { rows } = await db.query('UPDATE cards SET status = $2, status_changed_at = $3 WHERE card_number = $1 AND status <> $2 RETURNING card_number', [cardNumber, status, now]);
  return rows.length > 0;
}

export type CardCheck =
  | { status: 'valid'; personId: string; cardNumber: string }
  /** Not a card of this network, or a wrong secret: nothing more is said. */
  | { status: 'unknown' }
  /** A genuine card that no longer opens anything; said only to one who holds its secret. */
  | { status: 'inactive'; cardStatus: Exclude<CardStatus, 'active'>; cardNumber: string };

/** Checks the text a QR code gave. Surrounding white space from readers is ignored. */
export async function checkCard(db: Db, keys: ServerKeys, qrText: string): Promise<CardCheck> {
  const match = QR_PATTERN.exec(qrText.trim().toUpperCase());
  if (!match) return { status: 'unknown' };
  const [, cardNumber, secret] = match as unknown as [string, string, string];
  const { rows } = await db.query<{ person_id: string; secret_hash: string; status: CardStatus }>(
    'SELECT person_id, secret_hash, status FROM cards WHERE card_number = $1',
    [cardNumber],
  );
  const row = rows[0];
  const expected = Buffer.from(row?.secret_hash ?? '0'.repeat(64), 'hex');
  const given = Buffer.from(secretHash(keys, secret), 'hex');
  if (!row || !timingSafeEqual(expected, given)) return { status: 'unknown' };
  if (row.status !== 'active') return { status: 'inactive', cardStatus: row.status, cardNumber };
  return { status: 'valid', personId: row.person_id, cardNumber };
}


function secretHash(keys: ServerKeys, secret: string): string {
  return createHmac('sha256', keys.lookup).update('card secret\u0000').update(secret).digest('hex');
}

function newCardNumber(): string {
  let digits = '8';
  while (digits.length < 15) digits += String(randomInt(10));
  return digits + luhnCheckDigit(digits);
}

export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
