import { describe, expect, it } from 'vitest';
import { buildHistory, filterHistory, RECENT_MONTHS, type Describe } from './build-history.js';
import type { EventRecord } from './read-events.js';

const base: EventRecord = {
  receipt_id: '1',
  category: 'diagnosis',
  code_kind: 'b',
  code: '',
  name: null,
  modifiers: null,
  icd10: null,
  start_date: null,
  outcome: 1,
  suspected: false,
  main: false,
  dates: [],
  quantity: null,
  times: null,
  days: null,
  route: null,
  usage: null,
  group_no: null,
  material: false,
  service_month: '2024-01',
  facility_code: '3711234567',
  facility_name: '高松内科',
  prescriber_code: null,
  prescriber_name: null,
  kind: 'medical',
};
const ev = (e: Partial<EventRecord>): EventRecord => ({ ...base, ...e });

const masters: Record<string, { name: string; icd10?: string; section?: string; yjCode?: string; modifierPosition?: string }> = {
  'b:8833421': { name: '高血圧症', icd10: 'I10' },
  'b:4659007': { name: '急性気管支炎', icd10: 'J209' },
  'z:8002': { name: 'の疑い', modifierPosition: 'suffix' },
  'z:2056': { name: '右', modifierPosition: 'prefix' },
  'y:610463147': { name: 'アムロジピン錠５ｍｇ', yjCode: '2171022F1ZZZ' },
  's:150253010': { name: '水晶体再建術', section: 'K282' },
  's:160008010': { name: 'ＨｂＡ１ｃ', section: 'D005' },
  'y:620000402': { name: '生理食塩液' },
  's:160061810': { name: '生化学的検査（１）判断料', section: 'D026' },
  's:160177770': { name: '外来迅速検体検査加算', section: 'D000' },
};
const describeFrom: Describe = (kind, code) => masters[`${kind}:${code}`];

describe('buildHistory', () => {
  it('gives one diagnosis per code and modifiers: earliest start, latest outcome and suspicion, names with modifiers', () => {
    const history = buildHistory(
      [
        ev({ code: '8833421', start_date: '2023-05-01', main: true, service_month: '2024-01' }),
        ev({ code: '8833421', start_date: '2023-05-01', service_month: '2024-02' }),
        ev({ code: '4659007', modifiers: '20568002', start_date: '2024-02-03', suspected: true, service_month: '2024-02' }),
        ev({ code: '4659007', modifiers: '20568002', start_date: '2024-02-03', suspected: true, outcome: 2, service_month: '2024-03' }),
        ev({ code: '0000999', name: '手書きの病名', start_date: '2024-03-01', service_month: '2024-03' }),
        ev({ code: '9999999', start_date: '2024-03-01', service_month: '2024-03' }),
      ],
      describeFrom,
    );
    expect(history.diagnoses).toEqual([
      expect.objectContaining({ code: '4659007', name: '右急性気管支炎の疑い', icd10: 'J209', outcome: 'cured', suspected: true, firstMonth: '2024-02', lastMonth: '2024-03' }),
      expect.objectContaining({ code: '0000999', name: '手書きの病名', known: true, icd10: null }),
      expect.objectContaining({ code: '9999999', name: '不明なコード 9999999', known: false }),
      expect.objectContaining({ code: '8833421', name: '高血圧症', icd10: 'I10', startDate: '2023-05-01', outcome: 'continuing', main: true, suspected: false, lastMonth: '2024-02' }),
    ]);
  });

  it('puts drugs used in a procedure with the procedure, and lists prescriptions with every date, route and facility', () => {
    const history = buildHistory(
      [
        ev({ category: 'procedure', code_kind: 's', code: '150253010', dates: ['2024-01-10'], group_no: 3 }),
        ev({ category: 'procedure', code_kind: 'y', code: '620000402', dates: ['2024-01-10'], group_no: 3, material: true }),
        ev({ category: 'medication', code_kind: 'y', code: '610463147', dates: ['2024-01-05'], route: 'oral', days: 28, quantity: 1, usage: '1日1回朝食後' }),
        ev({ receipt_id: '2', category: 'medication', code_kind: 'y', code: '610463147', dates: ['2024-02-02'], route: 'oral', days: 28, quantity: 1, kind: 'pharmacy', facility_code: '3741111111', prescriber_code: '3711234567', service_month: '2024-02' }),
        ev({ receipt_id: '2', category: 'test', code_kind: 's', code: '160008010', dates: ['2024-02-02', '2024-02-20'], service_month: '2024-02' }),
        ev({ receipt_id: '2', category: 'test', code_kind: 's', code: '160061810', dates: ['2024-02-02'], service_month: '2024-02' }),
        ev({ receipt_id: '2', category: 'test', code_kind: 's', code: '160177770', dates: ['2024-02-02'], service_month: '2024-02' }),
      ],
      describeFrom,
    );
    expect(history.procedures).toEqual([expect.objectContaining({ code: '150253010', name: '水晶体再建術', section: 'K282', dates: ['2024-01-10'], materials: [{ code: '620000402', name: '生理食塩液', known: true }] })]);
    expect(history.medications).toEqual([
      expect.objectContaining({
        code: '610463147',
        yjCode: '2171022F1ZZZ',
        dates: ['2024-01-05', '2024-02-02'],
        route: 'oral',
        usage: '1日1回朝食後',
        days: 28,
        prescribers: [{ code: '3711234567', name: '高松内科' }],
        dispensers: [
          { code: '3711234567', name: '高松内科' },
          { code: '3741111111', name: '高松内科' },
        ],
      }),
    ]);
    // 判断料 and 加算 bill the test; the list shows the test itself.
    expect(history.tests).toEqual([expect.objectContaining({ code: '160008010', section: 'D005', dates: ['2024-02-02', '2024-02-20'], months: ['2024-02'] })]);
  });

  it('is empty for no events', () => {
    expect(buildHistory([], describeFrom)).toEqual({ diagnoses: [], medications: [], procedures: [], tests: [], stays: [], period: { from: null, to: null, latestDate: null } });
  });

  it('calls a diagnosis 継続 only while it is claimed in the latest months of the person, and keeps the others apart with their last month', () => {
    expect(RECENT_MONTHS).toBe(3);
    const history = buildHistory(
      [
        ev({ code: '4659007', service_month: '2026-04', dates: ['2026-04-02'] }),
        ev({ code: '8833421', service_month: '2026-04' }),
        ev({ code: '8833421', service_month: '2026-08' }),
        ev({ category: 'test', code_kind: 's', code: '160008010', service_month: '2026-10', dates: ['2026-10-24'] }),
      ],
      describeFrom,
    );
    expect(history.diagnoses.map((d) => [d.name, d.status, d.lastMonth])).toEqual([
      ['高血圧症', 'active', '2026-08'],
      ['急性気管支炎', 'lapsed', '2026-04'],
    ]);
    expect(history.period).toEqual({ from: '2026-04', to: '2026-10', latestDate: '2026-10-24' });
  });

  it('filters by period and facility on every date: the items of those months at that facility, their dates inside the period', () => {
    const other = { facility_code: '3719999999', facility_name: '坂出クリニック' };
    const history = buildHistory(
      [
        ev({ category: 'test', code_kind: 's', code: '160008010', service_month: '2026-01', dates: ['2026-01-23'] }),
        ev({ code: '8833421', service_month: '2026-06' }),
        ev({ category: 'test', code_kind: 's', code: '160008010', service_month: '2026-06', dates: ['2026-06-05'] }),
        ev({ category: 'test', code_kind: 's', code: '160008010', service_month: '2026-07', dates: ['2026-07-09'], ...other }),
        ev({ category: 'medication', code_kind: 'y', code: '610463147', service_month: '2026-07', dates: ['2026-07-09'], kind: 'pharmacy', facility_code: '3741111111', prescriber_code: '3719999999' }),
        ev({ category: 'test', code_kind: 's', code: '160008010', service_month: '2026-10', dates: ['2026-10-24'] }),
      ],
      describeFrom,
    );
    const period = filterHistory(history, { from: '2026-06', to: '2026-08' });
    expect(period.tests.map((t) => [t.dates, t.months, t.facilities.map((f) => f.code)])).toEqual([[['2026-06-05', '2026-07-09'], ['2026-06', '2026-07'], ['3711234567', '3719999999']]]);
    expect(period.period).toEqual({ from: '2026-06', to: '2026-07', latestDate: '2026-07-09' });
    // Active is still judged on the person's latest month (2026-10), not on the end of the filter.
    expect(period.diagnoses.map((d) => d.status)).toEqual(['lapsed']);
    const atClinic = filterHistory(history, { facility: '3719999999' });
    expect(atClinic.tests.map((t) => t.dates)).toEqual([['2026-07-09']]);
    expect(atClinic.medications.map((m) => m.name)).toEqual(['アムロジピン錠５ｍｇ']);
    expect(atClinic.diagnoses).toEqual([]);
    expect(filterHistory(history, {})).toBe(history);
  });
});

describe('inpatient stays', () => {
  it('gives one stay per facility and admission over its months, with the DPC discharge and code of its latest receipt, the latest admission first', () => {
    const dpc = { inpatient: true, kind: 'dpc' as const, facility_code: '3710100123', facility_name: '香川中央病院', admitted_on: '2026-09-28' };
    const history = buildHistory(
      [
        ev({ receipt_id: 'a', inpatient: true, admitted_on: '2024-01-10', service_month: '2024-01', code: '8833421' }),
        ev({ receipt_id: 'o', inpatient: false, service_month: '2026-09', code: '8833421' }),
        ev({ receipt_id: 'b', ...dpc, service_month: '2026-09', dpc_code: '040080xx99x0xx', code: '8833421' }),
        ev({ receipt_id: 'b', ...dpc, service_month: '2026-09', dpc_code: '040080xx99x0xx', code: '4659007' }),
        ev({ receipt_id: 'c', ...dpc, service_month: '2026-10', dpc_code: '040080xx99x0xx', discharged_on: '2026-10-09', code: '8833421' }),
      ],
      describeFrom,
    );
    expect(history.stays).toEqual([
      { facility: { code: '3710100123', name: '香川中央病院' }, admittedOn: '2026-09-28', dischargedOn: '2026-10-09', dpcCode: '040080xx99x0xx', months: ['2026-09', '2026-10'] },
      { facility: { code: '3711234567', name: '高松内科' }, admittedOn: '2024-01-10', dischargedOn: null, dpcCode: null, months: ['2024-01'] },
    ]);
    // The period filter keeps the stay's receipts of its months only: no discharge before October's receipt.
    expect(filterHistory(history, { from: '2026-09', to: '2026-09' }).stays).toEqual([
      { facility: { code: '3710100123', name: '香川中央病院' }, admittedOn: '2026-09-28', dischargedOn: null, dpcCode: '040080xx99x0xx', months: ['2026-09'] },
    ]);
  });
});
