/** The roles of the network, and what each may do. */
export const ROLES = ['doctor', 'dentist', 'pharmacist', 'nurse', 'clerk', 'liaison', 'facility-admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** Licensed clinicians read histories; clerks, liaison staff and administrators do not. */
const CLINICAL_ROLES: ReadonlySet<Role> = new Set(['doctor', 'dentist', 'pharmacist', 'nurse']);

export function canReadHistories(role: Role): boolean {
  return CLINICAL_ROLES.has(role);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The facility desk: enrollment, cards, consent, the patient's access log. */
const DESK_ROLES: ReadonlySet<Role> = new Set(['clerk', 'liaison', 'facility-admin']);

export function canServeDesk(role: Role): boolean {
  return DESK_ROLES.has(role);
}
