import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db, ServerKeys } from '@renkei/store';
import { closePatientAccesses } from './patient-access.js';

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

/** The identity document the desk checked before issuing a card. */
export const IDENTITY_DOCUMENTS = ['health-insurance-card', 'my-number-insurance-card', 'eligibility-certificate', 'other'] as const;
export type IdentityDocument = (typeof IDENTITY_DOCUMENTS)[number];

/** Who issues a card, where, having checked what (absent for the demo's and tests' own cards). */
export interface CardIssue {
  issuedBy: string;
  facilityCode: string | null;
  identityDocument: IdentityDocument;
}

/**
 * Issues a new card to a person. A person holds one working card: every card
 * of theirs still active or suspended is replaced in the same transaction,
 * and what it had opened closes. Returns the cards it replaced too.
 */
export async function issueCard(
  db: Db,
  keys: ServerKeys,
  personId: string,
  options: { label?: string; issue?: CardIssue; now?: Date } = {},
): Promise<IssuedCard & { replaced: string[] }> {
  const secret = base32(randomBytes(20));
  const cardNumber = newCardNumber();
  const now = options.now ?? new Date();
  const issue = options.issue;
  const replaced = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ card_number: string }>(
      "UPDATE cards SET status = 'replaced', status_changed_at = $2, status_changed_by = $3, status_changed_at_facility = $4 WHERE person_id = $1 AND status IN ('active', 'suspended') RETURNING card_number",
      [personId, now, issue?.issuedBy ?? null, issue?.facilityCode ?? null],
    );
    for (const r of rows) await closePatientAccesses(tx, { cardNumber: r.card_number }, now);
    await tx.query(
      'INSERT INTO cards (card_number, person_id, secret_hash, label, issued_at, issued_by, issued_at_facility, identity_document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [cardNumber, personId, secretHash(keys, secret), options.label ?? null, now, issue?.issuedBy ?? null, issue?.facilityCode ?? null, issue?.identityDocument ?? null],
    );
    return rows.map((r) => r.card_number);
  });
  return { cardNumber, qr: `RKC1-${cardNumber}-${secret}`, replaced };
}

/**
 * Suspends, revokes or reactivates a card. Suspending or revoking closes for
 * good what the card had opened; reactivating opens nothing. False if the
 * card is not of this person, already in that status, or replaced.
 */
export async function setCardStatus(
  db: Db,
  card: { cardNumber: string; personId: string },
  status: Exclude<CardStatus, 'replaced'>,
  by: { userId: string; facilityCode: string | null } | null = null,
  now = new Date(),
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      "UPDATE cards SET status = $3, status_changed_at = $4, status_changed_by = $5, status_changed_at_facility = $6 WHERE card_number = $1 AND person_id = $2 AND status <> $3 AND status <> 'replaced' RETURNING card_number",
      [card.cardNumber, card.personId, status, now, by?.userId ?? null, by?.facilityCode ?? null],
    );
    if (rows.length > 0 && status !== 'active') await closePatientAccesses(tx, { cardNumber: card.cardNumber }, now);
    return rows.length > 0;
  });
}

/** The person's working card (active or suspended), if any. */
export async function workingCardOf(db: Db, personId: string): Promise<{ cardNumber: string; status: 'active' | 'suspended'; issuedAt: Date } | undefined> {
  const { rows } = await db.query<{ card_number: string; status: 'active' | 'suspended'; issued_at: Date | string }>(
    "SELECT card_number, status, issued_at FROM cards WHERE person_id = $1 AND status IN ('active', 'suspended')",
    [personId],
  );
  const row = rows[0];
  return row && { cardNumber: row.card_number, status: row.status, issuedAt: new Date(row.issued_at) };
}

/** The person's cards that are not replaced (working, or suspended or revoked: a revoked card can be reactivated if found again). */
export async function cardsOfPerson(db: Db, personId: string): Promise<string[]> {
  const { rows } = await db.query<{ card_number: string }>("SELECT card_number FROM cards WHERE person_id = $1 AND status <> 'replaced'", [personId]);
  return rows.map((r) => r.card_number);
}

/** A card's status and issue date, as the patient detail shows the card that opened an access. */
export async function cardStatusOf(db: Db, cardNumber: string): Promise<{ status: CardStatus; issuedAt: Date } | undefined> {
  const { rows } = await db.query<{ status: CardStatus; issued_at: Date | string }>('SELECT status, issued_at FROM cards WHERE card_number = $1', [cardNumber]);
  const row = rows[0];
  return row && { status: row.status, issuedAt: new Date(row.issued_at) };
}


export type CardCheck =
  | { status: 'valid'; personId: string; cardNumber: string }
  /** Not a card of this network, or a wrong secret: nothing more is said. */
  | { status: 'unknown' }
  /** A genuine card that no longer opens anything; said only to one who holds its secret. */
  | { status: 'inactive'; cardStatus: Exclude<CardStatus, 'active'>; cardNumber: string; personId: string };

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
  if (row.status !== 'active') return { status: 'inactive', cardStatus: row.status, cardNumber, personId: row.person_id };
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
