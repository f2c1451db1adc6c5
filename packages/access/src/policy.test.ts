import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from './roles.js';
import { adminScope, facilityRequired, mayApplyForRole, mayCall, mayLogInAt, maySeeStudy, ROUTE_ACCESS, scopeCoversFacility, scopeCoversUser, scopeMayGrantRole, scopeMayResetPassword } from './policy.js';

const HOSPITAL = '3710100001';
const CLINIC = '3710100002';

describe('who administers what', () => {
  it('gives the operator the whole network, a facility administrator their own facility, everyone else nothing', () => {
    expect(adminScope({ role: 'operator', facilityCode: null })).toEqual({ network: true });
    expect(adminScope({ role: 'operator', facilityCode: HOSPITAL })).toEqual({ network: true });
    expect(adminScope({ role: 'facility-admin', facilityCode: HOSPITAL })).toEqual({ network: false, facilityCode: HOSPITAL });
    for (const role of ['doctor', 'dentist', 'pharmacist', 'nurse', 'clerk', 'liaison'] as const) expect(adminScope({ role, facilityCode: HOSPITAL })).toBeUndefined();
    // A facility administrator without a facility administers nothing, rather than everything.
    expect(adminScope({ role: 'facility-admin', facilityCode: null })).toBeUndefined();
  });

  it('keeps a facility administrator to their own facility, and away from operators', () => {
    const own = adminScope({ role: 'facility-admin', facilityCode: HOSPITAL })!;
    expect(scopeCoversFacility(own, HOSPITAL)).toBe(true);
    expect(scopeCoversFacility(own, CLINIC)).toBe(false);
    expect(scopeCoversFacility(own, null)).toBe(false);
    // Clinicians' IDs come from the secretariat only: a facility administrator applies for them.
    for (const role of ['doctor', 'dentist', 'pharmacist', 'nurse'] as const) {
      expect(scopeMayGrantRole(own, role)).toBe(false);
      expect(mayApplyForRole(own, role)).toBe(true);
    }
    expect(scopeMayGrantRole(own, 'clerk')).toBe(true);
    expect(scopeMayGrantRole(own, 'technologist')).toBe(true);
    expect(scopeMayGrantRole(own, 'facility-admin')).toBe(true);
    expect(mayApplyForRole(own, 'clerk')).toBe(false);
    expect(scopeMayGrantRole(own, 'operator')).toBe(false);
    expect(scopeCoversUser(own, { role: 'clerk', facilityCode: HOSPITAL })).toBe(true);
    expect(scopeCoversUser(own, { role: 'clerk', facilityCode: CLINIC })).toBe(false);
    // An operator who happens to work at the hospital is still not the hospital's to manage.
    expect(scopeCoversUser(own, { role: 'operator', facilityCode: HOSPITAL })).toBe(false);
  });

  it('lets the operator reach every facility and every role', () => {
    const network = adminScope({ role: 'operator', facilityCode: null })!;
    expect(scopeCoversFacility(network, CLINIC)).toBe(true);
    expect(scopeCoversUser(network, { role: 'operator', facilityCode: null })).toBe(true);
    expect(scopeMayGrantRole(network, 'operator')).toBe(true);
  });

  it('lets a facility administrator deactivate a doctor of theirs but not reset the password (a reset would let them log in as the doctor)', () => {
    const own = adminScope({ role: 'facility-admin', facilityCode: HOSPITAL })!;
    const doctor = { role: 'doctor' as const, facilityCode: HOSPITAL };
    expect(scopeCoversUser(own, doctor)).toBe(true);
    expect(scopeMayResetPassword(own, doctor)).toBe(false);
    expect(scopeMayResetPassword(own, { role: 'clerk', facilityCode: HOSPITAL })).toBe(true);
    expect(scopeMayResetPassword({ network: true }, doctor)).toBe(true);
  });

  it('has everyone but the operator work at a facility', () => {
    expect(facilityRequired('operator')).toBe(false);
    expect(facilityRequired('doctor')).toBe(true);
    expect(facilityRequired('facility-admin')).toBe(true);
  });
});


describe('who may call which route', () => {
  const at = (role: Role) => ({ role, facilityCode: role === 'operator' ? null : HOSPITAL });
  it('answers every declared kind for every role, as the network\'s rules say', () => {
    const matrix = Object.fromEntries(ROUTE_ACCESS.map((access) => [access, ROLES.filter((role) => mayCall(access, at(role)))]));
    expect(matrix).toEqual({
      open: [...ROLES],
      terminal: [...ROLES],
      session: [...ROLES],
      clinician: ['doctor', 'dentist', 'pharmacist', 'nurse'],
      patient: ['doctor', 'dentist', 'pharmacist', 'nurse'],
      images: ['doctor', 'dentist', 'pharmacist', 'nurse', 'technologist'],
      'image-views': ['doctor', 'dentist', 'pharmacist', 'nurse', 'technologist', 'liaison'],
      desk: ['clerk', 'liaison', 'facility-admin'],
      administrator: ['facility-admin', 'operator'],
      operator: ['operator'],
      exchange: ['doctor', 'dentist', 'technologist', 'clerk', 'liaison'],
      'exchange-stats': ['doctor', 'dentist', 'technologist', 'clerk', 'liaison', 'facility-admin', 'operator'],
      'exchange-usage': ['clerk', 'liaison'],
    });
  });

  it('shows a study to the image staff of the facility that stored it, and to nobody else', () => {
    const study = { facilityCode: HOSPITAL };
    expect(maySeeStudy(at('doctor'), study)).toBe(true);
    expect(maySeeStudy(at('technologist'), study)).toBe(true);
    expect(maySeeStudy({ role: 'doctor', facilityCode: CLINIC }, study)).toBe(false);
    expect(maySeeStudy(at('clerk'), study)).toBe(false);
    expect(maySeeStudy(at('operator'), study)).toBe(false);
  });

  it('lets staff log in on their own facility\'s terminals, and operators on the secretariat\'s only', () => {
    expect(mayLogInAt(at('doctor'), { facilityCode: HOSPITAL })).toBe(true);
    expect(mayLogInAt(at('doctor'), { facilityCode: CLINIC })).toBe(false);
    expect(mayLogInAt(at('doctor'), { facilityCode: null })).toBe(false);
    expect(mayLogInAt(at('operator'), { facilityCode: null })).toBe(true);
    expect(mayLogInAt({ role: 'operator', facilityCode: HOSPITAL }, { facilityCode: HOSPITAL })).toBe(false);
  });
});
