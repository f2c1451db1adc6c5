/** The roles of the network's user IDs. What each may do is the policy's (policy.ts), nowhere else. */
export const ROLES = ['doctor', 'dentist', 'pharmacist', 'nurse', 'technologist', 'clerk', 'liaison', 'facility-admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
