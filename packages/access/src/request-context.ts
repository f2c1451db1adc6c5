import type { AuditActor } from '@renkei/audit';
import type { Session } from './sessions.js';
import type { Terminal } from './terminals.js';

/**
 * Who is asking, as every service that reads or changes records takes it: the
 * terminal and session the gate checked (a request to the server), or a
 * process on the server machine (an operator's command). Services check their
 * own rules against it and audit under its actor.
 */
export interface RequestContext {
  terminal: (Terminal & { demo?: boolean }) | null;
  session: Session | null;
  actor: AuditActor;
}

/** A request from a terminal, with or without someone logged in. */
export function terminalContext(terminal: Terminal & { demo?: boolean }, session: Session | null): RequestContext {
  const user = session?.user;
  return {
    terminal,
    session,
    actor: { actor: user?.id ?? 'anonymous', actorKind: 'person', role: user?.role ?? null, facility: user?.facilityCode ?? terminal.facilityCode, terminal: terminal.serial },
  };
}

/** A command run on the server machine by `osUser`, acting as the network's operator. */
export function operatorProcessContext(osUser: string): RequestContext {
  return { terminal: null, session: null, actor: { actor: `os:${osUser}`, actorKind: 'person', role: 'operator', facility: null, terminal: null } };
}
