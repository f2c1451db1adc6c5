/**
 * An item's patient, in the identity store: name, kana, sex, birth date and
 * the sender's patient ID, encrypted; keyed hashes to find a patient's items
 * for a deletion request; the consent the sender recorded.
 */
import { createHmac } from 'node:crypto';
import type { ExchangeConsent, ExchangePatient } from '@renkei/api';
import { decryptField, encryptField } from '@renkei/identity';
import type { Db, ServerKeys } from '@renkei/store';

const compact = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');
const keyed = (keys: ServerKeys, purpose: string, ...parts: string[]) => createHmac('sha256', keys.lookup).update(`exchange ${purpose}\u0000${parts.join('\u0000')}`).digest();

export const patientKey = (keys: ServerKeys, facility: string, patientId: string) => keyed(keys, 'patient', facility.trim(), compact(patientId));
export const nameKey = (keys: ServerKeys, name: string, birthDate: string) => keyed(keys, 'name', compact(name), birthDate);
export const kanaKey = (keys: ServerKeys, kana: string, birthDate: string) => keyed(keys, 'kana', compact(kana), birthDate);

export async function storeExchangePatient(
  db: Db,
  keys: ServerKeys,
  row: { itemId: string; facility: string; patient: ExchangePatient; consent: ExchangeConsent | undefined; deleteOn: string },
): Promise<void> {
  const { patient: p, consent: c } = row;
  const enc = (text: string) => encryptField(keys.encryption, text);
  await db.query(
    `INSERT INTO exchange_patients (item_id, facility_code, name_enc, kana_enc, sex, birth_date_enc, patient_id_enc, patient_key, name_key, kana_key,
                                    consent_on, consent_by, consent_obtained_by, consent_form, delete_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      row.itemId,
      row.facility,
      enc(p.name),
      enc(p.kana),
      p.sex,
      enc(p.birthDate),
      enc(p.patientId),
      patientKey(keys, row.facility, p.patientId),
      nameKey(keys, p.name, p.birthDate),
      kanaKey(keys, p.kana, p.birthDate),
      c?.obtainedOn ?? null,
      c?.by ?? null,
      c?.obtainedBy ?? null,
      c?.form ?? null,
      row.deleteOn,
    ],
  );
}

/** Records the consent given at sending, and moves the deletion date to the one the sending sets (always later than a draft's). */
export async function markExchangePatientSent(db: Db, itemId: string, consent: ExchangeConsent | undefined, deleteOn: string): Promise<void> {
  await db.query(
    `UPDATE exchange_patients SET delete_on = GREATEST(delete_on, $2::date),
            consent_on = COALESCE($3, consent_on), consent_by = COALESCE($4, consent_by), consent_obtained_by = COALESCE($5, consent_obtained_by), consent_form = COALESCE($6, consent_form)
      WHERE item_id = $1`,
    [itemId, deleteOn, consent?.obtainedOn ?? null, consent?.by ?? null, consent?.obtainedBy ?? null, consent?.form ?? null],
  );
}

export interface StoredExchangePatient {
  patient: ExchangePatient;
  consent: ExchangeConsent | null;
}

interface PatientRow {
  item_id: string;
  name_enc: Uint8Array;
  kana_enc: Uint8Array;
  sex: ExchangePatient['sex'];
  birth_date_enc: Uint8Array;
  patient_id_enc: Uint8Array;
  consent_on: string | null;
  consent_by: ExchangeConsent['by'] | null;
  consent_obtained_by: string | null;
  consent_form: ExchangeConsent['form'] | null;
}

export async function readExchangePatients(db: Db, keys: ServerKeys, itemIds: readonly string[]): Promise<Map<string, StoredExchangePatient>> {
  if (itemIds.length === 0) return new Map();
  const { rows } = await db.query<PatientRow>(
    `SELECT item_id, name_enc, kana_enc, sex, birth_date_enc, patient_id_enc, consent_on::text AS consent_on, consent_by, consent_obtained_by, consent_form
       FROM exchange_patients WHERE item_id = ANY($1::uuid[])`,
    [itemIds],
  );
  const dec = (value: Uint8Array) => decryptField(keys.encryption, value);
  return new Map(
    rows.map((r) => [
      r.item_id,
      {
        patient: { name: dec(r.name_enc), kana: dec(r.kana_enc), sex: r.sex, birthDate: dec(r.birth_date_enc), patientId: dec(r.patient_id_enc) },
        consent:
          r.consent_on && r.consent_by && r.consent_obtained_by && r.consent_form
            ? { obtainedOn: r.consent_on, by: r.consent_by, obtainedBy: r.consent_obtained_by, form: r.consent_form }
            : null,
      },
    ]),
  );
}

/** The items of a patient, for a deletion request: by the facility's patient ID, or by name (kanji or kana) and birth date anywhere in the network. */
export async function findExchangePatientItems(
  db: Db,
  keys: ServerKeys,
  lookup: { facility: string; patientId: string } | { facility: string; name: string; birthDate: string },
): Promise<string[]> {
  const { rows } =
    'patientId' in lookup
      ? await db.query<{ item_id: string }>('SELECT item_id FROM exchange_patients WHERE patient_key = $1', [patientKey(keys, lookup.facility, lookup.patientId)])
      : await db.query<{ item_id: string }>('SELECT item_id FROM exchange_patients WHERE name_key = $1 OR kana_key = $2', [
          nameKey(keys, lookup.name, lookup.birthDate),
          kanaKey(keys, lookup.name, lookup.birthDate),
        ]);
  return rows.map((r) => r.item_id);
}
