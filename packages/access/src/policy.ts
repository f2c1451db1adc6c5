/** How long things last and how many tries are allowed. */
export interface AccessPolicy {
  /** Failed logins in a row before the account is locked. */
  maxFailedLogins: number;
  lockoutMinutes: number;
  /** A session unused this long is over. */
  sessionIdleMinutes: number;
  /** A session ends this long after login, however busy. */
  sessionMaxHours: number;
  /** How long presenting a card opens the patient's history. */
  patientAccessMinutes: number;
}

export const DEFAULT_ACCESS_POLICY: AccessPolicy = {
  maxFailedLogins: 5,
  lockoutMinutes: 15,
  sessionIdleMinutes: 15,
  sessionMaxHours: 12,
  patientAccessMinutes: 30,
};

export const minutes = (n: number) => n * 60_000;
