import type { FacilityRef, MedicationItem } from '@renkei/api';
import { describe, expect, it } from 'vitest';
import { findDuplicateTherapy } from './duplicate-therapy.js';

const clinic: FacilityRef = { code: '3710112342', name: 'さぬき内科クリニック' };
const hospital: FacilityRef = { code: '3710100123', name: '香川中央病院' };
const pharmacy: FacilityRef = { code: '3740151233', name: 'さくら調剤薬局' };

/** A drug dispensed on `dates` for `days` each, prescribed by `prescriber`. */
const drug = (code: string, name: string, yjCode: string, dates: string[], prescriber = clinic, days = 28): MedicationItem => ({
  code, name, kana: null, known: true, yjCode, unit: '錠', dates, months: [...new Set(dates.map((d) => d.slice(0, 7)))], route: 'oral', usage: null, quantity: 1, days,
  prescribers: [prescriber], dispensers: [pharmacy], current: true,
  dispensings: dates.map((date) => ({ date, days, quantity: 1, prescriber, dispenser: pharmacy })),
});
const telmisartan = (dates: string[], prescriber = clinic) => drug('622535601', 'テルミサルタン錠４０ｍｇ', '2149042F2030', dates, prescriber);
const candesartan = (dates: string[], prescriber = hospital) => drug('622358001', 'カンデサルタン錠８ｍｇ', '2149040F3037', dates, prescriber);

describe('duplicate therapy', () => {
  it('flags two ARBs from two facilities taken at once, with the group, the 薬効分類, the drugs and the days they overlap', () => {
    const found = findDuplicateTherapy([telmisartan(['2026-06-06', '2026-07-06', '2026-08-06', '2026-09-06', '2026-10-06']), candesartan(['2026-08-12', '2026-09-12', '2026-10-12'])]);
    expect(found).toEqual([
      {
        group: 'arb',
        groupName: 'ARB（アンジオテンシンII受容体拮抗薬）',
        therapeuticClass: '2149',
        drugs: [
          { code: '622535601', name: 'テルミサルタン錠４０ｍｇ', yjCode: '2149042F2030', first: '2026-06-06', last: '2026-10-06', prescribers: [clinic] },
          { code: '622358001', name: 'カンデサルタン錠８ｍｇ', yjCode: '2149040F3037', first: '2026-08-12', last: '2026-10-12', prescribers: [hospital] },
        ],
        overlapFrom: '2026-08-12',
        overlapTo: '2026-11-02',
        differentFacilities: true,
      },
    ]);
  });

  it('stays quiet for a switch from one ARB to another, even while the last supply of the first runs on', () => {
    expect(findDuplicateTherapy([telmisartan(['2026-06-06', '2026-07-06']), candesartan(['2026-07-20', '2026-08-17'], clinic)])).toEqual([]);
  });

  it('stays quiet for drugs of one 薬効分類 that are given together on purpose, and for one drug supplied after another ended', () => {
    const dates = ['2026-08-01', '2026-09-01'];
    // Carvedilol (a beta blocker in 2149) with an ARB; a DPP-4 with an SGLT2 inhibitor (both 3969); aspirin with clopidogrel (DAPT).
    expect(findDuplicateTherapy([drug('1', 'アーチスト錠', '2149032F4020', dates), telmisartan(dates)])).toEqual([]);
    expect(findDuplicateTherapy([drug('2', 'ジャヌビア錠', '3969010F2030', dates), drug('3', 'フォシーガ錠', '3969019F2023', dates)])).toEqual([]);
    expect(findDuplicateTherapy([drug('4', 'バイアスピリン錠', '3399007H1013', dates), drug('5', 'クロピドグレル錠', '3399008F2013', dates)])).toEqual([]);
    expect(findDuplicateTherapy([telmisartan(['2026-01-05']), candesartan(['2026-06-01'])])).toEqual([]);
  });

  it('flags one ingredient under two names (a brand and its generic) from one facility, and two DPP-4 inhibitors', () => {
    const dates = ['2026-08-01', '2026-09-01'];
    const sameIngredient = findDuplicateTherapy([drug('6', 'アムロジピン錠５ｍｇ「サワイ」', '2171022F2017', dates), drug('7', 'アムロジン錠５ｍｇ', '2171022F2041', dates)]);
    expect(sameIngredient).toMatchObject([{ group: 'same-ingredient', groupName: '同一成分', differentFacilities: false }]);
    expect(findDuplicateTherapy([drug('8', 'ジャヌビア錠', '3969010F2030', dates), drug('9', 'トラゼンタ錠', '3969014F1024', dates, hospital)])).toMatchObject([{ group: 'dpp4', differentFacilities: true }]);
  });
});
