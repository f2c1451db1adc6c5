import { describe, expect, it } from 'vitest';
import { maySeeAttachedStudy, type ExchangeParties } from './policy.js';

const HOSPITAL = '3710000001';
const CLINIC = '3710000002';
const item = (status: string, extra: Partial<ExchangeParties> = {}): ExchangeParties => ({
  fromFacility: CLINIC,
  fromUser: 'clinic-doctor',
  preparedBy: null,
  toFacility: HOSPITAL,
  toUser: 'radiologist',
  toLiaison: false,
  status,
  ...extra,
});

describe('who sees a study attached to an exchange item', () => {
  it('shows it to the item\'s reader and sender, and to the receiving liaison, but to no other doctor and no clerk', () => {
    expect(maySeeAttachedStudy({ id: 'radiologist', role: 'doctor', facilityCode: HOSPITAL }, item('received'))).toBe(true);
    expect(maySeeAttachedStudy({ id: 'clinic-doctor', role: 'doctor', facilityCode: CLINIC }, item('received'))).toBe(true);
    expect(maySeeAttachedStudy({ id: 'liaison', role: 'liaison', facilityCode: HOSPITAL }, item('sent', { toUser: null, toLiaison: true }))).toBe(true);
    expect(maySeeAttachedStudy({ id: 'other-doctor', role: 'doctor', facilityCode: HOSPITAL }, item('received'))).toBe(false);
    expect(maySeeAttachedStudy({ id: 'clerk', role: 'clerk', facilityCode: HOSPITAL }, item('received'))).toBe(false);
    expect(maySeeAttachedStudy({ id: 'operator', role: 'operator', facilityCode: null }, item('received'))).toBe(false);
  });

  it('shows a draft\'s study to the receiving side never, and a withdrawn item\'s to its sending side only', () => {
    expect(maySeeAttachedStudy({ id: 'radiologist', role: 'doctor', facilityCode: HOSPITAL }, item('draft'))).toBe(false);
    expect(maySeeAttachedStudy({ id: 'radiologist', role: 'doctor', facilityCode: HOSPITAL }, item('withdrawn'))).toBe(false);
    expect(maySeeAttachedStudy({ id: 'liaison', role: 'liaison', facilityCode: HOSPITAL }, item('withdrawn', { toUser: null, toLiaison: true }))).toBe(false);
    expect(maySeeAttachedStudy({ id: 'clinic-doctor', role: 'doctor', facilityCode: CLINIC }, item('withdrawn'))).toBe(true);
  });
});
