import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveServerKeys, type Db } from '@renkei/store';
import { openTestStore, testEngines } from '@renkei/store/testing';
import { appendAudit, verifyAuditTrail, type AuditEntry } from './audit-trail.js';
import { InvalidAuditText } from './audit-text.js';
import { AuditWriter } from './audit-writer.js';

const { audit: key } = deriveServerKeys(Buffer.alloc(32, 3));
const entry = (action: string, detail: Record<string, unknown> = {}): AuditEntry => ({
  actor: 'doctor-1',
  actorKind: 'person',
  role: 'doctor',
  facility: '3710000001',
  terminal: 'T-01',
  action,
  outcome: 'allowed',
  detail,
});

describe.each(testEngines())('one failing audit entry fails only its own caller, on %s', (engine) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestStore(engine, 'clinical');
  });
  afterAll(async () => db.close());

  const countOf = async (action: string) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_events WHERE action = $1', [action])).rows[0]!.n);

  it('refuses a NUL character anywhere in an entry, at any depth, before the database sees it', async () => {
    const poisoned: AuditEntry[] = [
      { ...entry('nul.actor'), actor: 'doctor\u0000' },
      { ...entry('nul.terminal'), terminal: 'T\u0000' },
      entry('nul.detail', { query: { q: 'chest\u0000pain' } }),
      entry('nul.deep', { list: [1, { note: ['ok', 'x\u0000'] }] }),
      entry('nul.key', { ['a\u0000b']: 1 }),
      // A lone surrogate: jsonb refuses it and a text column would keep U+FFFD instead.
      entry('surrogate.detail', { name: 'Taro\udc00' }),
      { ...entry('surrogate.facility'), facility: '\ud800' },
    ];
    for (const bad of poisoned) await expect(appendAudit(db, key, bad)).rejects.toThrow(InvalidAuditText);
    await expect(appendAudit(db, key, poisoned[2]!)).rejects.toThrow('audit entry field detail.query.q holds a NUL character or a lone surrogate');
    // A key from a request may be anything: it is not repeated in the message.
    await expect(appendAudit(db, key, entry('x', { params: { ['氏名 山田']: 'a\u0000' } }))).rejects.toThrow('field detail.params[…] holds');
    const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE action LIKE 'nul.%' OR action LIKE 'surrogate.%'");
    expect(Number(rows[0]!.n)).toBe(0);
    // A paired surrogate (an emoji, 𠮷) is ordinary text.
    await appendAudit(db, key, entry('text.astral', { name: '𠮷野家 😀' }));
    expect(await verifyAuditTrail(db, key)).toMatchObject({ ok: true });
  });

  it('commits and chains the other appends of a batch when one of them holds a NUL character', async () => {
    const writer = new AuditWriter(db, key);
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => writer.append(entry('batch.nul', { i, q: i === 17 ? 'x\u0000' : 'x' }))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([{ status: 'rejected', reason: expect.any(InvalidAuditText) }]);
    expect(results[17]!.status).toBe('rejected');
    expect(await countOf('batch.nul')).toBe(39);
    expect(await verifyAuditTrail(db, key)).toMatchObject({ ok: true });
  });

  it('writes the rest of a batch that the database refuses for one record, in order, in a few transactions', async () => {
    let transactions = 0;
    const counting: Db = { ...db, transaction: (work) => (transactions++, db.transaction(work)) };
    const writer = new AuditWriter(counting, key);
    // The trail cannot tell that this is no pseudonym; the database (uuid) can.
    const results = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) => writer.append({ ...entry('batch.refused', { i }), pseudonym: i === 40 ? 'not-a-uuid' : null })),
    );
    expect(results.map((r) => r.status).filter((s) => s === 'rejected')).toHaveLength(1);
    expect(results[40]!.status).toBe('rejected');
    // The batch, then halves down to the one record: about 2·log2(64) transactions, not 64.
    expect(transactions).toBeLessThanOrEqual(16);
    const { rows } = await db.query<{ i: number }>("SELECT (detail->>'i')::int AS i FROM audit_events WHERE action = 'batch.refused' ORDER BY id");
    expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 64 }, (_, i) => i).filter((i) => i !== 40));
    expect(await verifyAuditTrail(db, key)).toMatchObject({ ok: true });
  });
});
