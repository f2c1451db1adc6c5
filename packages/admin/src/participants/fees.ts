/**
 * The network's fees: a base fee of 6,500 yen a month for each facility that
 * was a participant on any day of the month — a whole month whatever day it
 * joined or left, never prorated by the day.
 *
 * A participant is a facility whose status is active or suspended: a
 * suspension stops its terminals, not its membership, so a suspended month is
 * billed. An application (never active) is not billed, nor is a facility
 * outside the prefecture waiting for the steering committee. A status change
 * takes effect at the start of its day: a facility that leaves on the 1st is
 * not a participant that month; one that joins on the 31st is.
 */
import { MONTHLY_BASE_FEE_YEN } from '@renkei/api';
import type { ParticipantStatus } from './status-rules.js';

export { MONTHLY_BASE_FEE_YEN };

const BILLED_STATUSES: ReadonlySet<ParticipantStatus> = new Set(['active', 'suspended']);

export interface StatusChange {
  status: ParticipantStatus;
  /** YYYY-MM-DD, the first day of the new status. */
  effectiveOn: string;
}

/** `YYYY-MM` → its first and last day (YYYY-MM-DD). */
export function monthDays(month: string): { first: string; last: string } {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return { first: `${month}-01`, last: `${month}-${String(lastDay).padStart(2, '0')}` };
}

/** The status on `day`: the last change in effect by then (changes in the order they were recorded). */
export function statusOn(changes: readonly StatusChange[], day: string): ParticipantStatus | null {
  let status: ParticipantStatus | null = null;
  for (const change of changes) if (change.effectiveOn <= day) status = change.status;
  return status;
}

/** Whether the facility was a participant on any day of `month` (YYYY-MM). */
export function participatedIn(changes: readonly StatusChange[], month: string): boolean {
  const { first, last } = monthDays(month);
  // The status can only change on a change's day: the first of the month and those days are all there is to look at.
  const days = [first, ...changes.map((c) => c.effectiveOn).filter((d) => d > first && d <= last)];
  return days.some((day) => {
    const status = statusOn(changes, day);
    return status !== null && BILLED_STATUSES.has(status);
  });
}

/** The base fee of one facility for `month`, in yen. */
export function monthlyFeeYen(changes: readonly StatusChange[], month: string): number {
  return participatedIn(changes, month) ? MONTHLY_BASE_FEE_YEN : 0;
}
