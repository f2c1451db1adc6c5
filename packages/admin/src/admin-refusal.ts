/**
 * Why an administrative action was refused. The edges turn the code into their
 * own answer: an HTTP status and a Japanese message, or one line from the CLI.
 * A terminal or user outside the actor's scope is `not-found`, like one that
 * does not exist, so that another facility's IDs cannot be probed.
 */
export type AdminRefusalCode =
  | 'not-found'
  | 'already-revoked'
  | 'unknown-facility'
  | 'facility-required'
  | 'role-not-allowed'
  | 'id-taken'
  | 'own-account'
  | 'wrong-password'
  | 'account-locked'
  | 'weak-password';

export class AdminRefusal extends Error {
  constructor(
    readonly code: AdminRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'AdminRefusal';
  }
}
