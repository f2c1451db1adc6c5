/** How long things last and how many tries are allowed. */
export interface AccessLimits {
  /** Wrong passwords in a row from one terminal before that terminal must wait to try the user again. */
  terminalFailuresBeforeBackoff: number;
  /** The first wait; each further failure doubles it, up to `maxBackoffMinutes`. */
  backoffMinutes: number;
  maxBackoffMinutes: number;
  /** Wrong passwords for one user from all terminals within `userFailureWindowMinutes` before the user is locked everywhere. */
  userFailuresBeforeLock: number;
  userFailureWindowMinutes: number;
  userLockMinutes: number;
  /** A session unused this long is over. */
  sessionIdleMinutes: number;
  /** A session ends this long after login, however busy. */
  sessionMaxHours: number;
  /** How long presenting a card opens the patient's history. */
  patientAccessMinutes: number;
}

/**
 * One terminal gets 5 tries, then waits 1, 2, 4 … 60 minutes between tries:
 * it cannot lock the user out elsewhere. Only 20 failures within an hour from
 * wherever lock the user everywhere, for 15 minutes; reaching that from one
 * terminal takes most of a day.
 */
export const DEFAULT_ACCESS_LIMITS: AccessLimits = {
  terminalFailuresBeforeBackoff: 5,
  backoffMinutes: 1,
  maxBackoffMinutes: 60,
  userFailuresBeforeLock: 20,
  userFailureWindowMinutes: 60,
  userLockMinutes: 15,
  sessionIdleMinutes: 15,
  sessionMaxHours: 12,
  patientAccessMinutes: 30,
};

export const minutes = (n: number) => n * 60_000;
