import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveServerKeys, type Db } from '@renkei/store';
import { openTestStore, testEngines } from '@renkei/store/testing';
import { appendAudit, verifyAuditTrail, type AuditEntry } from './audit-trail.js';
import { AuditWriter } from './audit-writer.js';

const { audit: key } = deriveServerKeys(Buffer.alloc(32, 3));
const entry = (action: string, detail: Record<string, unknown> = {}): AuditEntry => ({
  actor: 'doctor-1',
  actorKind: 'person',
  role: 'doctor',
  facility: '3710000001',
  terminal: 'T-01',
  action,
  pseudonym: '8f1c2e4a-0000-4000-8000-000000000001',
  outcome: 'allowed',
  detail,
});

describe.each(testEngines())('audit trail on %s', (engine) => {
  let db: Db;
  beforeEach(async () => {
    db = await openTestStore(engine, 'clinical');
    for (const action of ['login', 'card.present', 'history.view']) await appendAudit(db, key, entry(action, { b: 1, a: [2, { y: 3, x: 4 }] }));
  });
  afterEach(async () => db.close());

  it('chains every record and verifies the whole chain', async () => {
    expect(await verifyAuditTrail(db, key)).toEqual({ checked: 3, ok: true });
  });

  it('refuses UPDATE and DELETE in the database itself', async () => {
    await expect(db.query("UPDATE audit_events SET actor = 'someone-else'")).rejects.toThrow('append-only');
    await expect(db.query('DELETE FROM audit_events')).rejects.toThrow('append-only');
  });

  it('detects an altered record, even by one who can switch off the guard', async () => {
    await db.exec("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'someone-else' WHERE id = 2");
    expect(await verifyAuditTrail(db, key)).toEqual({ checked: 1, ok: false, problem: 'record 2 was altered' });
  });

  it('detects a removed record in the middle and at the end', async () => {
    await db.exec('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update; DELETE FROM audit_events WHERE id = 2');
    expect(await verifyAuditTrail(db, key)).toEqual({ checked: 1, ok: false, problem: 'record 2 is missing' });
    await db.exec('DELETE FROM audit_events WHERE id = 3');
    expect(await verifyAuditTrail(db, key)).toMatchObject({ checked: 1, ok: false, problem: expect.stringContaining('records were removed') });
  });

  it('does not verify under another key: the chain cannot be recomputed without the server key', async () => {
    const other = deriveServerKeys(Buffer.alloc(32, 4)).audit;
    expect(await verifyAuditTrail(db, other)).toMatchObject({ ok: false, problem: 'record 1 was altered' });
  });

  it('reads across pages', async () => {
    for (let i = 0; i < 7; i++) await appendAudit(db, key, entry('history.view'));
    expect(await verifyAuditTrail(db, key, 4)).toEqual({ checked: 10, ok: true });
  });

  it('writes concurrent appends in batches, each caller answered once its record is committed, the chain whole', async () => {
    let queries = 0;
    const counting: Db = { ...db, transaction: (work) => db.transaction((tx) => work({ ...tx, query: (...args) => (queries++, tx.query(...(args as Parameters<Db['query']>))) } as Db)) };
    const batched = new AuditWriter(counting, key, 50);
    await Promise.all(Array.from({ length: 200 }, (_, i) => batched.append(entry('patient.summary', { i }))));
    // 200 records in at most a handful of transactions of 3 statements each, not 200.
    expect(queries).toBeLessThanOrEqual(3 * 6);
    const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE action = 'patient.summary'");
    expect(Number(rows[0]!.n)).toBe(200);
    expect(await verifyAuditTrail(db, key)).toEqual({ checked: 203, ok: true });
    await batched.flush();
  });

  it('fails the callers of a batch that could not be written, and writes the next batch', async () => {
    const writer = new AuditWriter(db, key);
    await expect(writer.append({ ...entry('x'), actorKind: 'robot' as never })).rejects.toThrow();
    await writer.append(entry('after'));
    expect(await verifyAuditTrail(db, key)).toEqual({ checked: 4, ok: true });
  });
});
