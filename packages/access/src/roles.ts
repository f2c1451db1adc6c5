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
