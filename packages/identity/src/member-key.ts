import { createHmac } from 'node:crypto';

/**
 * Who a person is, as a claim identifies them: an insurer's 記号・番号 (and 枝番),
 * with birth date and sex, which tell apart the family members who shared one
 * 記号・番号 before 枝番 existed.
 */
export interface Member {
  insurerNumber: string;
  symbol: string;
  number: string;
  /** '' when unknown. */
  branch: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  sex: 1 | 2;
}

/** Full-width folded (NFKC), blanks removed: the form in which keys are hashed and compared. */
export function normalizeKeyPart(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '');
}

/** The keyed hash that finds an enrollment: insurer, symbol, number, branch, birth date, sex. */
export function memberKeyHash(lookupKey: Buffer, member: Member): string {
  return hashParts(lookupKey, 'member', [member.insurerNumber, member.symbol, member.number, member.branch, member.birthDate, String(member.sex)]);
}

/** The same without 枝番: a receipt from before 枝番 existed still finds the person. */
export function holderKeyHash(lookupKey: Buffer, member: Omit<Member, 'branch'>): string {
  return hashParts(lookupKey, 'holder', [member.insurerNumber, member.symbol, member.number, member.birthDate, String(member.sex)]);
}

/** Keyed hash of a name, for finding a person by name without storing it in clear. */
export function nameHash(lookupKey: Buffer, name: string): string {
  return hashParts(lookupKey, 'name', [name]);
}

export function birthDateHash(lookupKey: Buffer, birthDate: string): string {
  return hashParts(lookupKey, 'birth', [birthDate]);
}

function hashParts(key: Buffer, purpose: string, parts: string[]): string {
  const hmac = createHmac('sha256', key).update(purpose);
  // A separator that cannot occur inside a normalized part keeps ("1","23") apart from ("12","3").
  for (const part of parts) hmac.update('\u0000').update(normalizeKeyPart(part));
  return hmac.digest('base64url');
}
