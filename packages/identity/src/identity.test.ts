import { describe, expect, it } from 'vitest';
import { deriveServerKeys } from '@renkei/store';
import { decryptField, encryptField } from './field-crypto.js';
import { holderKeyHash, memberKeyHash } from './member-key.js';
import { ObservationFilter } from './observation-filter.js';
import type { PersonObservation } from './person-registry.js';
import { enrollmentPseudonym, personPseudonym } from './pseudonym.js';

const keys = deriveServerKeys(Buffer.alloc(32, 1));
const otherKeys = deriveServerKeys(Buffer.alloc(32, 2));

describe('field encryption', () => {
  it('round-trips, never repeats a ciphertext, and refuses a tampered one', () => {
    const a = encryptField(keys.encryption, '香川　花子');
    const b = encryptField(keys.encryption, '香川　花子');
    expect(a.equals(b)).toBe(false);
    expect(decryptField(keys.encryption, a)).toBe('香川　花子');
    a[a.length - 1]! ^= 1;
    expect(() => decryptField(keys.encryption, a)).toThrow();
    expect(() => decryptField(otherKeys.encryption, b)).toThrow();
  });
});

describe('member keys', () => {
  const member = { insurerNumber: '06370015', symbol: '１２', number: '３４', branch: '', birthDate: '1960-01-01', sex: 1 as const };

  it('fold full-width and blanks, so a card typed either way finds the same enrollment', () => {
    expect(memberKeyHash(keys.lookup, member)).toBe(memberKeyHash(keys.lookup, { ...member, symbol: '12', number: ' 34' }));
  });

  it('tell apart family members sharing a card by birth date and sex, and keep fields from running together', () => {
    const hash = memberKeyHash(keys.lookup, member);
    expect(memberKeyHash(keys.lookup, { ...member, birthDate: '1962-02-02' })).not.toBe(hash);
    expect(memberKeyHash(keys.lookup, { ...member, sex: 2 })).not.toBe(hash);
    expect(memberKeyHash(keys.lookup, { ...member, symbol: '1', number: '234' })).not.toBe(hash);
    expect(memberKeyHash(keys.lookup, { ...member, branch: '01' })).not.toBe(hash);
    expect(holderKeyHash(keys.lookup, member)).toBe(holderKeyHash(keys.lookup, { ...member, branch: '01' } as typeof member));
  });

  it('depend on the server key', () => {
    expect(memberKeyHash(otherKeys.lookup, member)).not.toBe(memberKeyHash(keys.lookup, member));
  });
});

describe('pseudonyms', () => {
  it('are stable, differ across enrollments, persons and keys, and are shaped as UUIDs', () => {
    const hash = memberKeyHash(keys.lookup, { insurerNumber: '06370015', symbol: '12', number: '34', branch: '', birthDate: '1960-01-01', sex: 1 });
    const p = enrollmentPseudonym(keys.pseudonym, hash);
    expect(p).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(enrollmentPseudonym(keys.pseudonym, hash)).toBe(p);
    expect(enrollmentPseudonym(otherKeys.pseudonym, hash)).not.toBe(p);
    const id = '0b7b6c1e-5d0a-4d8e-9a55-6f1a3c2b9d10';
    expect(personPseudonym(keys.pseudonym, id)).toBe(personPseudonym(keys.pseudonym, id));
    expect(personPseudonym(keys.pseudonym, id)).not.toBe(personPseudonym(keys.pseudonym, '1f7b6c1e-5d0a-4d8e-9a55-6f1a3c2b9d10'));
    expect(personPseudonym(keys.pseudonym, id)).not.toContain(id.slice(0, 8));
    // An enrollment pseudonym and a person pseudonym never coincide, even for the same input.
    expect(personPseudonym(keys.pseudonym, hash)).not.toBe(p);
  });
});

describe('observation filter', () => {
  const seen = (memberHash: string, serviceMonth: string, nameHash: string): PersonObservation => ({
    insurerNumber: '06370015', symbol: '12', number: '34', branch: '', birthDate: '1960-01-01', sex: 1,
    name: nameHash === '' ? '' : '香川　一郎', kana: null, memberHash, nameHash, serviceMonth,
  });

  it('passes on what the registry does not have from the run yet: a new enrollment, a new spelling, an earlier month', () => {
    const filter = new ObservationFilter();
    expect(filter.passes(seen('m1', '2024-11', 'n1'))).toBe(true);
    // The same person again, in the same or a later month: nothing new.
    expect(filter.passes(seen('m1', '2024-11', 'n1'))).toBe(false);
    expect(filter.passes(seen('m1', '2024-12', 'n1'))).toBe(false);
    // A late receipt moves the enrollment's first month back; a new spelling is a new name.
    expect(filter.passes(seen('m1', '2024-10', 'n1'))).toBe(true);
    expect(filter.passes(seen('m1', '2024-12', 'n2'))).toBe(true);
    expect(filter.passes(seen('m1', '2024-11', 'n2'))).toBe(true);
    // Without a name only the enrollment counts; another card is another enrollment.
    expect(filter.passes(seen('m1', '2024-10', ''))).toBe(false);
    expect(filter.passes(seen('m2', '2024-12', ''))).toBe(true);
    expect(filter.passes(seen('m2', '2024-12', 'n1'))).toBe(true);
  });
});
