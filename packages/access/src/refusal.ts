/**
 * Why something was refused, wherever it was refused (the gate, a service,
 * the administration). The edges answer by `kind` (the server: one HTTP
 * status per kind), record `code` in the audit trail and hand it to the web
 * app, which words it in the user's language; `answer` is the Japanese
 * wording for clients that show the server's text. Something outside the
 * caller's reach is `not-found`, like something that does not exist.
 */
export type RefusalKind = 'not-found' | 'conflict' | 'invalid' | 'forbidden' | 'unauthenticated' | 'too-many' | 'unavailable';

export class Refusal extends Error {
  /**
   * @param message for the command line and the logs; it may name an id, never a person
   * @param answer what a user is shown: Japanese, nothing personal (the message, unless given)
   */
  constructor(
    readonly kind: RefusalKind,
    readonly code: string,
    message: string,
    readonly answer: string = message,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}
