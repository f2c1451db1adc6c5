/**
 * Network administration: the participating insurers and facilities, their
 * statuses, the steering committee's approvals, the monthly fees, and the
 * public directory.
 */
import { z } from 'zod';
import { plainText } from './plain-text.js';

export const PARTICIPANT_STATUS_VALUES = ['applied', 'active', 'suspended', 'left'] as const;
export type ParticipantStatusValue = (typeof PARTICIPANT_STATUS_VALUES)[number];
/** Where a participant may go from each status (the rules' one table, for the server's checks and the screen's choices). */
export const NEXT_PARTICIPANT_STATUSES: Record<ParticipantStatusValue, readonly ParticipantStatusValue[]> = {
  applied: ['active', 'left'],
  active: ['suspended', 'left'],
  suspended: ['active', 'left'],
  left: ['applied'],
};
export const INSURER_KIND_VALUES = ['municipal-nhi', 'nhi-society', 'late-elderly', 'kyokai', 'health-society', 'mutual-aid', 'other'] as const;
export type InsurerKindValue = (typeof INSURER_KIND_VALUES)[number];
export const FACILITY_KIND_VALUES = ['hospital', 'clinic', 'dental-clinic', 'pharmacy'] as const;
export type FacilityKindValue = (typeof FACILITY_KIND_VALUES)[number];

/** The names printed on documents (the screens take theirs from the locales). */
export const PARTICIPANT_STATUS_LABELS: Record<ParticipantStatusValue, string> = { applied: '申請中', active: '参加', suspended: '休止', left: '退会' };
export const FACILITY_KIND_LABELS: Record<FacilityKindValue, string> = { hospital: '病院', clinic: '診療所', 'dental-clinic': '歯科診療所', pharmacy: '薬局' };

/** A calendar date, YYYY-MM-DD, that exists. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { message: 'not a date' });
/** A month, YYYY-MM. */
/** The network's monthly base fee per facility, in yen: a whole month whatever day it joined or left. */
export const MONTHLY_BASE_FEE_YEN = 6_500;

export const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

const name = plainText(1, 100);
const statusChange = {
  status: z.enum(PARTICIPANT_STATUS_VALUES),
  effectiveOn: isoDate,
  reason: z.string().trim().max(200).default(''),
};

export const addInsurerRequest = z.object({
  number: z.string().trim().regex(/^(\d{6}|\d{8})$/),
  name,
  kind: z.enum(INSURER_KIND_VALUES),
});
export type AddInsurerRequest = z.infer<typeof addInsurerRequest>;

export const updateInsurerRequest = z.object({ name, kind: z.enum(INSURER_KIND_VALUES) });
export const insurerStatusRequest = z.object(statusChange);
export type StatusChangeRequest = z.infer<typeof insurerStatusRequest>;

export const addFacilityRequest = z.object({
  code: z.string().trim().regex(/^\d{10}$/),
  name,
  kind: z.enum(FACILITY_KIND_VALUES),
  address: plainText(0, 200).default(''),
  phone: z.string().trim().regex(/^[0-9-]{0,15}$/).default(''),
  /** The day the application was received; today if not given. */
  appliedOn: isoDate.optional(),
});
export type AddFacilityRequest = z.infer<typeof addFacilityRequest>;

/** What may be edited of a facility; a facility administrator may edit only address and phone of their own. */
export const updateFacilityRequest = z.object({
  name: name.optional(),
  address: plainText(0, 200).optional(),
  phone: z.string().trim().regex(/^[0-9-]{0,15}$/).optional(),
});
export type UpdateFacilityRequest = z.infer<typeof updateFacilityRequest>;

/** The steering committee (運営委員会) approved a facility outside the prefecture: when, and its minute or decision number. */
export const committeeApprovalRequest = z.object({ approvedOn: isoDate, reference: z.string().trim().min(1).max(100) });
export type CommitteeApprovalRequest = z.infer<typeof committeeApprovalRequest>;

export const facilityStatusRequest = z.object(statusChange);

export interface Insurer {
  number: string;
  name: string;
  kind: InsurerKindValue;
  status: ParticipantStatusValue;
  statusChangedOn: string | null;
}

export interface FacilityStatusEntry {
  status: ParticipantStatusValue;
  effectiveOn: string;
  recordedAt: string;
  /** The operator who recorded it; null when shown to a facility administrator (operators' IDs stay with the secretariat). */
  recordedBy: string | null;
  reason: string;
}

export interface AdminFacility {
  code: string;
  name: string;
  kind: FacilityKindValue;
  address: string;
  phone: string;
  status: ParticipantStatusValue;
  prefecture: string;
  /** In the network's own prefecture; one outside needs the steering committee's approval to join. */
  inPrefecture: boolean;
  committeeApproval: { approvedOn: string; reference: string; recordedBy: string | null } | null;
  history: FacilityStatusEntry[];
}

/** What the public directory shows: nothing but what a facility or insurer would print on its door. */
export interface PublicInsurer {
  number: string;
  name: string;
  kind: InsurerKindValue;
}

export interface PublicFacility {
  code: string;
  name: string;
  kind: FacilityKindValue;
  address: string;
  phone: string;
}

export interface FeeListRow {
  facilityCode: string;
  facilityName: string;
  kind: FacilityKindValue;
  address: string;
  /** The status on the month's last day. */
  status: ParticipantStatusValue;
  yen: number;
}

/** The secretariat's list for one month: every facility billed, and the total. */
export interface FeeList {
  month: string;
  monthlyFeeYen: number;
  rows: FeeListRow[];
  totalYen: number;
}

/** One facility's statement for one month. */
export interface FeeStatement {
  month: string;
  facility: { code: string; name: string; address: string; kind: FacilityKindValue };
  lines: Array<{ label: string; yen: number }>;
  totalYen: number;
}
