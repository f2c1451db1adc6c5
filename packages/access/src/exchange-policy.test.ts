import { describe, expect, it } from 'vitest';
import { exchangeBoxScope, mayActOnExchange, mayBeAssignedExchange, mayMarkKeyImages, mayPrepareExchangeFor, mayViewExchange, opensAsReceiver, type ExchangeActor, type ExchangeParties } from './policy.js';
import type { Role } from './roles.js';

const CLINIC = '3710112342';
const HOSPITAL = '3710100123';
const OTHER = '3710100999';
const who = (id: string, role: Role, facilityCode: string | null): ExchangeActor => ({ id, role, facilityCode });

/** The clinic's doctor asks the hospital's liaison; the liaison later assigns it to the radiologist. */
const request = (over: Partial<ExchangeParties> = {}): ExchangeParties => ({
  fromFacility: CLINIC,
  fromUser: 'clinic-doctor',
  preparedBy: null,
  toFacility: HOSPITAL,
  toUser: null,
  toLiaison: true,
  status: 'sent',
  ...over,
});

describe('who sees and does what in the exchange between facilities', () => {
  it('shows a clinician only what they sent or what reached them; another doctor of the same facility sees none of it', () => {
    const assigned = request({ toUser: 'radiologist', status: 'accepted' });
    expect(mayViewExchange(who('clinic-doctor', 'doctor', CLINIC), assigned)).toBe(true);
    expect(mayViewExchange(who('radiologist', 'doctor', HOSPITAL), assigned)).toBe(true);
    expect(mayViewExchange(who('colleague', 'doctor', HOSPITAL), assigned)).toBe(false);
    expect(mayViewExchange(who('clinic-colleague', 'dentist', CLINIC), assigned)).toBe(false);
    // Nothing reaches the receiving side before it is sent.
    expect(mayViewExchange(who('radiologist', 'doctor', HOSPITAL), request({ toUser: 'radiologist', status: 'draft' }))).toBe(false);
    expect(mayViewExchange(who('nurse', 'nurse', HOSPITAL), assigned)).toBe(false);
    expect(mayViewExchange(who('op', 'operator', null), assigned)).toBe(false);
  });

  it('lets clerks and the liaison read their facility\'s items, the liaison assign those addressed to the facility, and neither answer', () => {
    const item = request();
    for (const role of ['clerk', 'liaison'] as const) {
      expect(mayViewExchange(who(role, role, HOSPITAL), item)).toBe(true);
      expect(mayViewExchange(who(role, role, CLINIC), item)).toBe(true);
      expect(mayViewExchange(who(role, role, OTHER), item)).toBe(false);
      expect(mayActOnExchange(who(role, role, HOSPITAL), item, 'reader')).toBe(false);
      expect(mayActOnExchange(who(role, role, CLINIC), item, 'sender')).toBe(false);
    }
    expect(mayViewExchange(who('clerk', 'clerk', HOSPITAL), request({ status: 'draft' }))).toBe(false);
    expect(mayActOnExchange(who('liaison', 'liaison', HOSPITAL), item, 'assign')).toBe(true);
    expect(mayActOnExchange(who('liaison', 'liaison', CLINIC), item, 'assign')).toBe(false);
    expect(mayActOnExchange(who('clerk', 'clerk', HOSPITAL), item, 'assign')).toBe(false);
    expect(mayActOnExchange(who('liaison', 'liaison', HOSPITAL), request({ toLiaison: false, toUser: 'radiologist' }), 'assign')).toBe(false);
    expect(opensAsReceiver(who('liaison', 'liaison', HOSPITAL), item)).toBe(true);
    expect(opensAsReceiver(who('clerk', 'clerk', HOSPITAL), item)).toBe(false);
    expect(mayBeAssignedExchange(who('liaison', 'liaison', HOSPITAL), { role: 'doctor', facilityCode: HOSPITAL })).toBe(true);
    expect(mayBeAssignedExchange(who('liaison', 'liaison', HOSPITAL), { role: 'doctor', facilityCode: CLINIC })).toBe(false);
    expect(mayBeAssignedExchange(who('liaison', 'liaison', HOSPITAL), { role: 'nurse', facilityCode: HOSPITAL })).toBe(false);
  });

  it('lets a technologist prepare for a clinician of their facility, see what they prepared, and send nothing', () => {
    const tech = who('tech', 'technologist', HOSPITAL);
    expect(mayPrepareExchangeFor(tech, { id: 'radiologist', role: 'doctor', facilityCode: HOSPITAL })).toBe(true);
    expect(mayPrepareExchangeFor(tech, { id: 'clinic-doctor', role: 'doctor', facilityCode: CLINIC })).toBe(false);
    expect(mayPrepareExchangeFor(tech, { id: 'clerk', role: 'clerk', facilityCode: HOSPITAL })).toBe(false);
    expect(mayPrepareExchangeFor(who('a', 'doctor', HOSPITAL), { id: 'b', role: 'doctor', facilityCode: HOSPITAL })).toBe(false);
    const prepared = request({ fromFacility: HOSPITAL, fromUser: 'radiologist', preparedBy: 'tech', toFacility: CLINIC, status: 'draft' });
    expect(mayViewExchange(tech, prepared)).toBe(true);
    expect(mayViewExchange(who('tech-2', 'technologist', HOSPITAL), prepared)).toBe(false);
    expect(mayActOnExchange(tech, prepared, 'sender')).toBe(false);
    expect(mayActOnExchange(who('radiologist', 'doctor', HOSPITAL), prepared, 'sender')).toBe(true);
  });

  it('lets only the reader who writes the report mark key images, while writing it and for an addendum to the final report', () => {
    const reader = who('radiologist', 'doctor', HOSPITAL);
    const accepted = request({ toUser: 'radiologist', status: 'accepted' });
    expect(mayMarkKeyImages(reader, accepted, 'reading')).toBe(true);
    expect(mayMarkKeyImages(reader, { ...accepted, status: 'received' }, 'reading')).toBe(true);
    expect(mayMarkKeyImages(reader, { ...accepted, status: 'interim' }, 'reading')).toBe(true);
    expect(mayMarkKeyImages(reader, { ...accepted, status: 'final' }, 'reading')).toBe(true);
    for (const status of ['sent', 'declined', 'withdrawn']) expect(mayMarkKeyImages(reader, { ...accepted, status }, 'reading')).toBe(false);
    expect(mayMarkKeyImages(who('clinic-doctor', 'doctor', CLINIC), { ...accepted, status: 'final' }, 'reading')).toBe(false);
    expect(mayMarkKeyImages(reader, accepted, 'share')).toBe(false);
    expect(mayMarkKeyImages(who('clinic-doctor', 'doctor', CLINIC), accepted, 'reading')).toBe(false);
    expect(mayMarkKeyImages(who('colleague', 'doctor', HOSPITAL), accepted, 'reading')).toBe(false);
    expect(mayMarkKeyImages(who('liaison', 'liaison', HOSPITAL), accepted, 'reading')).toBe(false);
    // Addressed to the facility and not yet assigned: nobody reads it yet.
    expect(mayMarkKeyImages(reader, request({ status: 'received' }), 'reading')).toBe(false);
  });

  it('lists each box by the caller\'s own scope', () => {
    expect(exchangeBoxScope(who('d', 'doctor', HOSPITAL), 'facility')).toEqual({ by: 'user', user: 'd', direction: 'both' });
    expect(exchangeBoxScope(who('l', 'liaison', HOSPITAL), 'inbox')).toEqual({ by: 'liaison', facility: HOSPITAL });
    expect(exchangeBoxScope(who('l', 'liaison', HOSPITAL), 'facility')).toEqual({ by: 'facility', facility: HOSPITAL, direction: 'both' });
    expect(exchangeBoxScope(who('c', 'clerk', HOSPITAL), 'outbox')).toEqual({ by: 'facility', facility: HOSPITAL, direction: 'out' });
    expect(exchangeBoxScope(who('t', 'technologist', HOSPITAL), 'inbox')).toEqual({ by: 'nothing' });
    expect(exchangeBoxScope(who('t', 'technologist', HOSPITAL), 'outbox')).toEqual({ by: 'preparer', user: 't' });
    expect(exchangeBoxScope(who('p', 'pharmacist', HOSPITAL), 'inbox')).toEqual({ by: 'nothing' });
  });
});
