/**
 * The life of a participant: applied → active (for a facility outside the
 * network's prefecture, only once the steering committee's approval is
 * recorded) ↔ suspended → left; a facility that left may apply again.
 */
import { NEXT_PARTICIPANT_STATUSES, PARTICIPANT_STATUS_VALUES, type ParticipantStatusValue } from '@renkei/api';

export const PARTICIPANT_STATUSES = PARTICIPANT_STATUS_VALUES;
export type ParticipantStatus = ParticipantStatusValue;

export function canChangeStatus(from: ParticipantStatus, to: ParticipantStatus): boolean {
  return NEXT_PARTICIPANT_STATUSES[from].includes(to);
}

export type FacilityStatusProblem = 'transition' | 'committee-approval-required' | 'approved-after-joining' | 'before-last-change' | 'in-the-future';

export interface FacilityForStatusChange {
  prefecture: string;
  status: ParticipantStatus;
  committeeApprovedOn: string | null;
  /** The effective date of the facility's latest status change (YYYY-MM-DD). */
  lastEffectiveOn: string;
}

/**
 * Whether a facility may take status `to` from `effectiveOn` (YYYY-MM-DD), in
 * a network of `networkPrefecture`, on `today` (YYYY-MM-DD, Japan time).
 */
export function checkFacilityStatusChange(
  facility: FacilityForStatusChange,
  change: { to: ParticipantStatus; effectiveOn: string },
  networkPrefecture: string,
  today: string,
): { ok: true } | { ok: false; problem: FacilityStatusProblem } {
  if (!canChangeStatus(facility.status, change.to)) return { ok: false, problem: 'transition' };
  // A change is recorded once it happened: the current status (which the gate reads) is then always today's.
  if (change.effectiveOn > today) return { ok: false, problem: 'in-the-future' };
  // History is kept in the order things happened: a change cannot take effect before the one it follows.
  if (change.effectiveOn < facility.lastEffectiveOn) return { ok: false, problem: 'before-last-change' };
  if (change.to === 'active' && facility.status === 'applied' && facility.prefecture !== networkPrefecture) {
    if (!facility.committeeApprovedOn) return { ok: false, problem: 'committee-approval-required' };
    if (facility.committeeApprovedOn > change.effectiveOn) return { ok: false, problem: 'approved-after-joining' };
  }
  return { ok: true };
}

export const FACILITY_STATUS_PROBLEMS: Record<FacilityStatusProblem, string> = {
  transition: 'この状態からは変更できません（申請中→参加・退会、参加↔休止、参加・休止→退会、退会→再申請）',
  'committee-approval-required': '県外の医療機関は、運営委員会の承認を記録してから参加にしてください',
  'approved-after-joining': '参加日は運営委員会の承認日以降にしてください',
  'before-last-change': '前回の状態変更の日より前の日付は指定できません',
  'in-the-future': '状態の変更は、その日になってから記録してください（未来の日付は指定できません）',
};

/** Today in Japan, YYYY-MM-DD: the network's dates are Japanese calendar days. */
export function todayInJapan(now = new Date()): string {
  return new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}
