/**
 * Text the audit trail cannot keep as it was given: a NUL character, which
 * PostgreSQL refuses in text and jsonb alike, and a lone UTF-16 surrogate, which
 * jsonb refuses and a text column silently turns into U+FFFD (the stored record
 * would no longer match its hash).
 */
const UNSTORABLE = /\u0000|\p{Surrogate}/u;

/** An audit entry refused before it reached the database; names the field, never its value (it may be personal). */
export class InvalidAuditText extends Error {
  readonly code = 'invalid-text';
  constructor(readonly field: string) {
    super(`audit entry field ${field} holds a NUL character or a lone surrogate, which the audit trail cannot store`);
    this.name = 'InvalidAuditText';
  }
}

/** Throws InvalidAuditText if any of the entry's strings cannot be stored. */
export function assertStorableEntry(entry: object): void {
  for (const [field, value] of Object.entries(entry)) assertStorableText(value, field);
}

/** Throws InvalidAuditText for the first string (a value or an object key, at any depth) the trail cannot store. */
export function assertStorableText(value: unknown, field: string): void {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) throw new InvalidAuditText(field);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => assertStorableText(item, `${field}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) throw new InvalidAuditText(`${field} (a key)`);
      assertStorableText(item, `${field}${pathSegment(key)}`);
    }
  }
}

// A key may come from a request (a query's names): only a plain name is repeated in the message.
const pathSegment = (key: string) => (/^[A-Za-z_][\w-]{0,63}$/.test(key) ? `.${key}` : '[…]');
