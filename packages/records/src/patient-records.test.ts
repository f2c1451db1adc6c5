import { createUser, DEFAULT_ACCESS_LIMITS, operatorProcessContext, Refusal, terminalContext, upsertFacility } from '@renkei/access';
import { AuditLog } from '@renkei/audit';
import { encryptField, personPseudonym, recordConsent } from '@renkei/identity';
import { createCachingMasterLookup } from '@renkei/masters';
import { deriveServerKeys, timeOrderedId, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatientRecords } from './patient-records.js';

const keys = deriveServerKeys(Buffer.alloc(32, 9));

describe.each(testEngines())('the records service on %s', (engine) => {
  let stores: Stores;
  let audit: AuditLog;
  let records: PatientRecords;
  let personId: string;
  beforeAll(async () => {
    stores = await openTestStores(engine);
    audit = new AuditLog(stores, keys);
    records = new PatientRecords({ stores, keys, audit, masters: createCachingMasterLookup(stores.clinical), limits: DEFAULT_ACCESS_LIMITS });
    await upsertFacility(stores.identity, { code: '3710000001', name: '高松テスト病院', kind: 'hospital' });
    await createUser(stores.identity, { id: 'clerk-1', displayName: '受付', role: 'clerk', facilityCode: '3710000001', password: 'correct horse battery' });
    personId = timeOrderedId();
    await stores.identity.query('INSERT INTO persons (id, sex, birth_date_enc, birth_date_hash) VALUES ($1, 2, $2, $3)', [personId, encryptField(keys.encryption, '1950-04-01'), 'x']);
  });
  afterAll(async () => {
    await audit.stop();
    await stores?.close();
  });

  const trail = async (pseudonym: string) =>
    (await stores.clinical.query<{ action: string; outcome: string }>('SELECT action, outcome FROM audit_events WHERE pseudonym = $1 ORDER BY id', [pseudonym])).rows.map((r) => `${r.action}:${r.outcome}`);

  it("gives the operator's command a person's history, audited, and nothing once the patient has withdrawn consent", async () => {
    const operator = operatorProcessContext('alice');
    expect(await records.historyForOperator(operator, personId, { via: 'cli' })).toEqual({ diagnoses: [], medications: [], procedures: [], tests: [], stays: [], period: { from: null, to: null, latestDate: null } });
    await recordConsent(stores.identity, { personId, withdrawn: true, recordedBy: 'clerk-1', facilityCode: '3710000001' });
    await expect(records.historyForOperator(operator, personId, { via: 'cli' })).rejects.toMatchObject({ code: 'consent-withdrawn' });
    await audit.writer.flush();
    expect(await trail(personPseudonym(keys.pseudonym, personId))).toEqual(['history.view:allowed', 'history.view:refused']);
  });

  it('reads nothing for a caller who is not the operator, or for an access that is not open, and says the same for an unknown one', async () => {
    const clerk = terminalContext({ serial: 'aa01', facilityCode: '3710000001', name: 'PC' }, null);
    await expect(records.historyForOperator({ ...clerk, actor: { ...clerk.actor, role: 'clerk' } }, personId, {})).rejects.toBeInstanceOf(Refusal);
    await expect(records.openAccess(clerk, 'made-up')).rejects.toMatchObject({ code: 'access-not-found' });
  });
});
