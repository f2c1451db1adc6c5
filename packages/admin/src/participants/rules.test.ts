import { describe, expect, it } from 'vitest';
import { modulus10Weights21 } from './check-digit.js';
import { parseFacilityCode } from './facility-code.js';
import { parseInsurerNumber } from './insurer-number.js';
import { KAGAWA_INSURERS } from './kagawa-insurers.js';
import { checkFacilityStatusChange } from './status-rules.js';

describe('保険者番号', () => {
  it('computes the check digit as the 保険者番号設定要領 does (products of 2 and 1 from the last digit, their digits summed)', () => {
    expect(modulus10Weights21('3312001')).toBe(5); // 33120015, the example of the rules
    expect(modulus10Weights21('37001')).toBe(5); // 高松市 370015
    expect(modulus10Weights21('37002')).toBe(3); // 丸亀市 370023
    expect(modulus10Weights21('0104001')).toBe(3); // 協会けんぽ 宮城支部 01040013
    expect(modulus10Weights21('0000009')).toBe(1); // 9 × 2 = 18 counts as 1 + 8 = 9
  });

  it('reads 6-digit 国保 and 8-digit numbers, and refuses a wrong check digit, prefecture or kind', () => {
    expect(parseInsurerNumber('370015', 'municipal-nhi')).toEqual({ ok: true, value: { number: '370015', prefecture: '37', law: null } });
    expect(parseInsurerNumber('01040013', 'kyokai')).toMatchObject({ ok: true, value: { prefecture: '04', law: '01' } });
    expect(parseInsurerNumber('370016')).toEqual({ ok: false, problem: 'check-digit' });
    expect(parseInsurerNumber('480014')).toEqual({ ok: false, problem: 'prefecture' });
    expect(parseInsurerNumber('3700150')).toEqual({ ok: false, problem: 'format' });
    expect(parseInsurerNumber('01040013', 'mutual-aid')).toEqual({ ok: false, problem: 'kind-mismatch' });
    expect(parseInsurerNumber('370015', 'kyokai')).toEqual({ ok: false, problem: 'kind-mismatch' });
  });

  it('the 23 Kagawa insurers all read as Kagawa numbers of their kind, each once', () => {
    expect(KAGAWA_INSURERS).toHaveLength(23);
    expect(new Set(KAGAWA_INSURERS.map((i) => i.number)).size).toBe(23);
    for (const insurer of KAGAWA_INSURERS) expect(parseInsurerNumber(insurer.number, insurer.kind), insurer.name).toMatchObject({ ok: true, value: { prefecture: '37' } });
    expect(KAGAWA_INSURERS.find((i) => i.name === '高松市')?.number).toBe('370015');
  });
});

describe('医療機関コード', () => {
  it('reads prefecture, 点数表 and institution code, and matches the 点数表 to the kind', () => {
    expect(parseFacilityCode('3710112342', 'clinic')).toEqual({ ok: true, value: { code: '3710112342', prefecture: '37', table: '1', institution: '0112342' } });
    expect(parseFacilityCode('3710100123', 'hospital').ok).toBe(true);
    expect(parseFacilityCode('3730112345', 'dental-clinic').ok).toBe(true);
    expect(parseFacilityCode('3740151233', 'pharmacy').ok).toBe(true);
    expect(parseFacilityCode('3740151233', 'clinic')).toEqual({ ok: false, problem: 'kind-mismatch' });
    expect(parseFacilityCode('3710112342', 'dental-clinic')).toEqual({ ok: false, problem: 'kind-mismatch' });
    expect(parseFacilityCode('3720112342')).toEqual({ ok: false, problem: 'table' });
    expect(parseFacilityCode('4810112342')).toEqual({ ok: false, problem: 'prefecture' });
    expect(parseFacilityCode('0010112342')).toEqual({ ok: false, problem: 'prefecture' });
    expect(parseFacilityCode('371011234')).toEqual({ ok: false, problem: 'format' });
  });
});

describe('facility status changes', () => {
  const TODAY = '2026-11-22';
  const kagawa = { prefecture: '37', status: 'applied' as const, committeeApprovedOn: null, lastEffectiveOn: '2026-04-01' };
  const okayama = { ...kagawa, prefecture: '33' };

  it('lets a facility of the prefecture join, and one from outside only after the committee approved it', () => {
    expect(checkFacilityStatusChange(kagawa, { to: 'active', effectiveOn: '2026-05-01' }, '37', TODAY)).toEqual({ ok: true });
    expect(checkFacilityStatusChange(okayama, { to: 'active', effectiveOn: '2026-05-01' }, '37', TODAY)).toEqual({ ok: false, problem: 'committee-approval-required' });
    expect(checkFacilityStatusChange({ ...okayama, committeeApprovedOn: '2026-04-20' }, { to: 'active', effectiveOn: '2026-05-01' }, '37', TODAY)).toEqual({ ok: true });
    expect(checkFacilityStatusChange({ ...okayama, committeeApprovedOn: '2026-05-20' }, { to: 'active', effectiveOn: '2026-05-01' }, '37', TODAY)).toEqual({ ok: false, problem: 'approved-after-joining' });
    // The network's prefecture is configuration: for an Okayama network, the Okayama facility is at home.
    expect(checkFacilityStatusChange(okayama, { to: 'active', effectiveOn: '2026-05-01' }, '33', TODAY)).toEqual({ ok: true });
  });

  it('moves active ↔ suspended, to left from any, back to applied only from left, never into the past', () => {
    const active = { ...kagawa, status: 'active' as const };
    expect(checkFacilityStatusChange(active, { to: 'suspended', effectiveOn: '2026-06-01' }, '37', TODAY).ok).toBe(true);
    expect(checkFacilityStatusChange({ ...active, status: 'suspended' }, { to: 'active', effectiveOn: '2026-06-01' }, '37', TODAY).ok).toBe(true);
    expect(checkFacilityStatusChange(active, { to: 'left', effectiveOn: '2026-06-01' }, '37', TODAY).ok).toBe(true);
    expect(checkFacilityStatusChange(kagawa, { to: 'suspended', effectiveOn: '2026-06-01' }, '37', TODAY)).toEqual({ ok: false, problem: 'transition' });
    expect(checkFacilityStatusChange({ ...active, status: 'left' }, { to: 'active', effectiveOn: '2026-06-01' }, '37', TODAY)).toEqual({ ok: false, problem: 'transition' });
    expect(checkFacilityStatusChange({ ...active, status: 'left' }, { to: 'applied', effectiveOn: '2026-06-01' }, '37', TODAY).ok).toBe(true);
    expect(checkFacilityStatusChange(active, { to: 'left', effectiveOn: '2026-03-31' }, '37', TODAY)).toEqual({ ok: false, problem: 'before-last-change' });
    expect(checkFacilityStatusChange(active, { to: 'left', effectiveOn: '2026-11-23' }, '37', TODAY)).toEqual({ ok: false, problem: 'in-the-future' });
  });
});
