import { randomUUID } from 'node:crypto';
import { openStores, resolveConfig, type Stores } from '@renkei/store';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, runCli } from './run-cli.js';

/** An exchange item whose deletion day is `deleteOn`, with a 1,234-byte attachment and its patient row. */
async function storeItem(stores: Stores, deleteOn: string): Promise<string> {
  const id = randomUUID();
  await stores.identity.query(
    `INSERT INTO exchange_patients (item_id, facility_code, name_enc, kana_enc, sex, birth_date_enc, patient_id_enc, patient_key, name_key, kana_key, delete_on)
     VALUES ($1, '3710112342', '\\x00', '\\x00', 'female', '\\x00', '\\x00', '\\x00', '\\x00', '\\x00', $2)`,
    [id, deleteOn],
  );
  await stores.clinical.query(
    `INSERT INTO exchange_items (id, kind, status, from_facility, from_user, to_facility, to_liaison, subject, body, urgency, delete_on, sent_at)
     VALUES ($1, 'share', 'sent', '3710112342', 'd', '3710100123', true, 's', 'b', 'normal', $2, now())`,
    [id, deleteOn],
  );
  await stores.clinical.query(
    "INSERT INTO exchange_attachments (id, item_id, name, media_type, size_bytes, sha256, content, added_by) VALUES ($1, $2, 'a.pdf', 'application/pdf', 1234, 'x', '\\x00', 'd')",
    [randomUUID(), id],
  );
  return id;
}

describe.each(testEngines())('renkei retention run on %s', (engine) => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ env, drop } = await cliEnvironment(engine));
  });
  afterAll(async () => drop());

  it('counts with --dry-run, deletes what has expired with its files and patient, and finds nothing on the second run', async () => {
    let stores = await openStores(resolveConfig({}, env));
    await storeItem(stores, '2020-01-01');
    const kept = await storeItem(stores, '2999-01-01');
    await stores.close();

    const dry = await runCli(['retention', 'run', '--dry-run', '--json'], env);
    expect(dry.stderr).toBe('');
    expect(JSON.parse(dry.stdout)).toEqual({ deletedItems: 1, deletedInstances: 0, deletedBytes: 1234 });
    const run = await runCli(['retention', 'run', '--json'], env);
    expect(JSON.parse(run.stdout)).toEqual({ deletedItems: 1, deletedInstances: 0, deletedBytes: 1234 });
    expect(JSON.parse((await runCli(['retention', 'run', '--json'], env)).stdout)).toEqual({ deletedItems: 0, deletedInstances: 0, deletedBytes: 0 });

    stores = await openStores(resolveConfig({}, env));
    expect((await stores.clinical.query<{ id: string }>('SELECT id FROM exchange_items')).rows.map((r) => r.id)).toEqual([kept]);
    expect((await stores.identity.query<{ item_id: string }>('SELECT item_id FROM exchange_patients')).rows.map((r) => r.item_id)).toEqual([kept]);
    expect((await stores.clinical.query("SELECT 1 FROM audit_events WHERE action = 'exchange.retention' AND actor LIKE 'os:%'")).rows).toHaveLength(1);
    await stores.close();

    const bad = await runCli(['retention', 'run'], { ...env, RENKEI_RETENTION_DAYS: 'a year' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('RENKEI_RETENTION_DAYS');
  });
});
