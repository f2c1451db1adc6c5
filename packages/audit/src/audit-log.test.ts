import { deriveServerKeys, type Db, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from './audit-log.js';
import { verifyAuditTrail } from './audit-trail.js';

const keys = deriveServerKeys(Buffer.alloc(32, 5));
const actor = { actor: 'admin-1', actorKind: 'person' as const, role: 'facility-admin', facility: '3710000001', terminal: 'aa01' };

/** The identity store with a table to change, standing for a user, a card, a terminal. */
async function withThings(identity: Db): Promise<void> {
  await identity.exec('CREATE TABLE IF NOT EXISTS things (id text PRIMARY KEY)');
}

describe.each(testEngines())('changes and their audit records on %s', (engine) => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await openTestStores(engine);
    await withThings(stores.identity);
  });
  afterAll(() => stores?.close());

  const records = async (action: string) => (await stores.clinical.query<{ detail: Record<string, unknown> }>('SELECT detail FROM audit_events WHERE action = $1', [action])).rows;
  const outbox = async () => Number((await stores.identity.query<{ n: string }>('SELECT count(*) AS n FROM audit_outbox')).rows[0]!.n);

  it('commits a change to the identity store with its record, which then joins the chain', async () => {
    const log = new AuditLog(stores, keys);
    await log.changeIdentity(actor, (tx) => tx.query("INSERT INTO things VALUES ('a')"), { action: 'thing.add', outcome: 'allowed', detail: { id: 'a' } });
    expect(await records('thing.add')).toEqual([{ detail: { id: 'a', outbox: expect.any(String) } }]);
    expect(await outbox()).toBe(0);
    await log.stop();
  });

  it('never lets a change stand without its record: when the chain cannot be written, the record waits in the outbox and joins on the next drain, once', async () => {
    // The clinical store refuses the chain's writes for a while.
    let down = true;
    const failing: Stores = { ...stores, clinical: { ...stores.clinical, transaction: (work) => (down ? Promise.reject(new Error('clinical store unreachable')) : stores.clinical.transaction(work)) } };
    const log = new AuditLog(failing, keys);
    await log.changeIdentity(actor, (tx) => tx.query("INSERT INTO things VALUES ('b')"), { action: 'thing.add.b', outcome: 'allowed' });
    expect((await stores.identity.query("SELECT 1 FROM things WHERE id = 'b'")).rows).toHaveLength(1);
    expect(await records('thing.add.b')).toHaveLength(0);
    expect(await outbox()).toBe(1);
    // The outbox names no one: its record is sealed under the server key.
    const sealed = (await stores.identity.query<{ sealed: Uint8Array }>('SELECT sealed FROM audit_outbox')).rows[0]!.sealed;
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('admin-1');
    down = false;
    expect(await log.drainOutbox()).toBe(1);
    expect(await log.drainOutbox()).toBe(0);
    expect(await records('thing.add.b')).toHaveLength(1);
    expect(await verifyAuditTrail(stores.clinical, keys.audit)).toMatchObject({ ok: true });
    await log.stop();
  });

  it('rolls a failed change back with its record; a change to the clinical store appends in its own transaction', async () => {
    const log = new AuditLog(stores, keys);
    await expect(
      log.changeIdentity(actor, async (tx) => {
        await tx.query("INSERT INTO things VALUES ('c')");
        throw new Error('refused half-way');
      }, { action: 'thing.add.c', outcome: 'allowed' }),
    ).rejects.toThrow('refused half-way');
    expect((await stores.identity.query("SELECT 1 FROM things WHERE id = 'c'")).rows).toHaveLength(0);
    expect(await outbox()).toBe(0);
    await expect(
      log.changeClinical(actor, async (tx) => {
        await tx.query("INSERT INTO disease_groups (id, name, definition, created_by) VALUES ('g-1', 'g', '{}', 'x')");
        throw new Error('refused');
      }, { action: 'group.add', outcome: 'allowed' }),
    ).rejects.toThrow('refused');
    expect(await records('group.add')).toHaveLength(0);
    await log.changeClinical(actor, (tx) => tx.query("INSERT INTO disease_groups (id, name, definition, created_by) VALUES ('g-2', 'g', '{}', 'x')"), { action: 'group.add', outcome: 'allowed' });
    expect(await records('group.add')).toHaveLength(1);
    await log.stop();
  });
});
