import { upsertFacility } from '@renkei/access';
import type { Db } from '@renkei/store';
import { openTestStore, testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminRefusal } from '../admin-refusal.js';
import { feeList, feeListCsv, feeStatement, feeStatementCsv } from './fee-statements.js';
import { addFacility, addInsurer, changeFacilityStatus, changeInsurerStatus, listPublicFacilities, listPublicInsurers, readFacility, recordCommitteeApproval } from './participants.js';

const KAGAWA = '37';

describe.each(testEngines())('participants and fees on %s', (engine) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestStore(engine, 'identity');
  });
  afterAll(() => db?.close());

  it('keeps every status of a facility with who recorded it, when it took effect and why', async () => {
    await addFacility(db, { code: '3710112342', name: 'さぬき内科クリニック', kind: 'clinic', address: '香川県高松市番町1-1-1', phone: '087-831-1234', appliedOn: '2026-01-05' }, 'op-1', KAGAWA);
    const joined = await changeFacilityStatus(db, '3710112342', { status: 'active', effectiveOn: '2026-01-31', reason: '参加申込書受理' }, 'op-1', KAGAWA);
    expect(joined.status).toBe('active');
    expect(joined.history.map((h) => [h.status, h.recordedBy])).toEqual([
      ['applied', 'op-1'],
      ['active', 'op-1'],
    ]);
    expect(joined.history[1]).toMatchObject({ effectiveOn: '2026-01-31', reason: '参加申込書受理' });
  });

  it('refuses a code that does not fit the kind, and a code registered twice, with a message saying what to fix', async () => {
    await expect(addFacility(db, { code: '3710199999', name: '歯科', kind: 'dental-clinic', address: '', phone: '' }, 'op-1', KAGAWA)).rejects.toMatchObject({ code: 'facility-code-kind-mismatch' });
    await expect(addFacility(db, { code: '3710112342', name: '二重', kind: 'clinic', address: '', phone: '' }, 'op-1', KAGAWA)).rejects.toMatchObject({ kind: 'conflict', code: 'facility-exists' });
  });

  it('keeps a facility outside the prefecture pending until the steering committee approval is recorded, and a refused change leaves nothing', async () => {
    const code = '3310123456';
    await addFacility(db, { code, name: '岡山みなと病院', kind: 'hospital', address: '岡山県岡山市北区1-1', phone: '', appliedOn: '2026-02-01' }, 'op-1', KAGAWA);
    const refused = changeFacilityStatus(db, code, { status: 'active', effectiveOn: '2026-03-01', reason: '' }, 'op-1', KAGAWA);
    await expect(refused).rejects.toBeInstanceOf(AdminRefusal);
    await expect(refused).rejects.toMatchObject({ code: 'committee-approval-required' });
    const untouched = await readFacility(db, code, KAGAWA);
    expect(untouched).toMatchObject({ status: 'applied', inPrefecture: false, committeeApproval: null });
    expect(untouched!.history).toHaveLength(1);
    expect((await feeList(db, '2026-03')).rows.map((r) => r.facilityCode)).not.toContain(code);

    await recordCommitteeApproval(db, code, { approvedOn: '2026-03-10', reference: '第12回運営委員会 議事3' }, 'op-2', KAGAWA);
    const joined = await changeFacilityStatus(db, code, { status: 'active', effectiveOn: '2026-03-15', reason: '' }, 'op-1', KAGAWA);
    expect(joined).toMatchObject({ status: 'active', committeeApproval: { approvedOn: '2026-03-10', reference: '第12回運営委員会 議事3', recordedBy: 'op-2' } });
    expect((await feeList(db, '2026-03')).rows.map((r) => r.facilityCode)).toContain(code);
  });

  it('lists each month the facilities billed, whole months, and computes past months from the history', async () => {
    const code = '3740151233';
    await addFacility(db, { code, name: 'さくら調剤薬局 栗林店', kind: 'pharmacy', address: '香川県高松市栗林町1-2-3', phone: '', appliedOn: '2026-04-01' }, 'op-1', KAGAWA);
    await changeFacilityStatus(db, code, { status: 'active', effectiveOn: '2026-04-10', reason: '' }, 'op-1', KAGAWA);
    await changeFacilityStatus(db, code, { status: 'left', effectiveOn: '2026-04-20', reason: '閉局' }, 'op-1', KAGAWA);
    const april = await feeList(db, '2026-04');
    expect(april.rows.find((r) => r.facilityCode === code)).toEqual({ facilityCode: code, facilityName: 'さくら調剤薬局 栗林店', kind: 'pharmacy', address: '香川県高松市栗林町1-2-3', status: 'left', yen: 6500 });
    expect((await feeList(db, '2026-05')).rows.map((r) => r.facilityCode)).not.toContain(code);
    expect(april.totalYen).toBe(april.rows.length * 6500);
    // The clinic that joined on 31 January is billed for January; nothing before.
    expect((await feeList(db, '2026-01')).rows.map((r) => r.facilityCode)).toEqual(['3710112342']);
    expect((await feeList(db, '2025-12')).rows).toEqual([]);
  });

  it('writes the list and a statement as CSV for Excel: BOM, header row, CRLF, yen as plain integers', async () => {
    const list = await feeList(db, '2026-04');
    const text = feeListCsv(list);
    expect(text.startsWith('\uFEFF対象月,医療機関コード,医療機関名,種別,所在地,月末の状態,基本利用料（円）\r\n')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(list.rows.length + 2);
    expect(lines.at(-1)).toBe(`2026-04,,合計,,,${list.rows.length}施設,${list.totalYen}`);
    expect(lines).toContain('2026-04,3740151233,さくら調剤薬局 栗林店,薬局,香川県高松市栗林町1-2-3,退会,6500');

    const statement = (await feeStatement(db, '2026-04', '3740151233'))!;
    expect(statement).toMatchObject({ totalYen: 6500, lines: [{ label: '基本利用料（2026年4月分）', yen: 6500 }] });
    expect(feeStatementCsv(statement).split('\r\n')[0]).toBe('\uFEFF対象月,医療機関コード,医療機関名,項目,金額（円）');
    expect(await feeStatement(db, '2026-05', '3740151233')).toBeUndefined();
  });

  it('quotes what needs quoting and never lets a spreadsheet run a name as a formula', async () => {
    await addFacility(db, { code: '3710134569', name: '=HYPERLINK("x"),眼科', kind: 'clinic', address: '', phone: '', appliedOn: '2026-05-01' }, 'op-1', KAGAWA);
    await changeFacilityStatus(db, '3710134569', { status: 'active', effectiveOn: '2026-06-01', reason: '' }, 'op-1', KAGAWA);
    expect(feeListCsv(await feeList(db, '2026-06'))).toContain(`"'=HYPERLINK(""x""),眼科"`);
  });

  it('gives facilities registered directly (the demo, older data) their first history row, so they are billed too', async () => {
    await upsertFacility(db, { code: '3710100123', name: '香川中央病院', kind: 'hospital' });
    const today = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7);
    expect((await feeList(db, today)).rows.map((r) => r.facilityCode)).toContain('3710100123');
  });

  it('lists for the public only the insurers and facilities taking part today, with public fields only', async () => {
    await addInsurer(db, { number: '370015', name: '高松市', kind: 'municipal-nhi' });
    await addInsurer(db, { number: '370023', name: '丸亀市', kind: 'municipal-nhi' });
    await changeInsurerStatus(db, '370015', { status: 'active', effectiveOn: '2026-04-01', reason: '' });
    await expect(addInsurer(db, { number: '370016', name: '誤り', kind: 'municipal-nhi' })).rejects.toMatchObject({ code: 'insurer-number-check-digit' });
    await expect(changeInsurerStatus(db, '370015', { status: 'suspended', effectiveOn: '2026-03-31', reason: '' })).rejects.toMatchObject({ code: 'before-last-change' });
    await expect(changeInsurerStatus(db, '370015', { status: 'left', effectiveOn: '2999-01-01', reason: '' })).rejects.toMatchObject({ code: 'in-the-future' });
    await expect(changeInsurerStatus(db, '370023', { status: 'suspended', effectiveOn: '2026-04-01', reason: '' })).rejects.toMatchObject({ code: 'transition' });
    expect(await listPublicInsurers(db)).toEqual([{ number: '370015', name: '高松市', kind: 'municipal-nhi' }]);
    const facilities = await listPublicFacilities(db);
    expect(facilities.map((f) => f.code)).toEqual(['3310123456', '3710100123', '3710112342', '3710134569']);
    expect(Object.keys(facilities[0]!).sort()).toEqual(['address', 'code', 'kind', 'name', 'phone']);
  });
});
