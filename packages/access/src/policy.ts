/**
 * Every role rule of the network, in one place: who may call which kind of
 * route, read histories, serve the desk, administer what, issue which IDs,
 * log in where. The server's gate, the administration and the CLI ask these
 * functions; none of them compares roles itself. Pure, so that the rules are
 * tested apart from HTTP and SQL.
 */
import type { Role } from './roles.js';

/** Someone acting, as the rules need to know them. */
export interface Actor {
  role: Role;
  facilityCode: string | null;
}

/**
 * What a route declares about its callers (`config.access` in its route
 * options). The gate refuses a route that declares nothing.
 * - `open`: anyone, no terminal certificate (health, the public directory, the web app's files)
 * - `terminal`: a registered terminal, nobody logged in yet (the login itself)
 * - `session`: any logged-in user
 * - `clinician`: a licensed clinician (opening a patient with their card)
 * - `patient`: a licensed clinician with an open access to the patient in the URL
 * - `images`: who stores and reads images (DICOMweb): licensed clinicians and technologists
 * - `desk`: the facility desk (cards, consent, the patient's access log)
 * - `administrator`: the operator, or a facility administrator within their facility
 * - `operator`: the network's secretariat only
 */
export const ROUTE_ACCESS = ['open', 'terminal', 'session', 'clinician', 'patient', 'images', 'desk', 'administrator', 'operator'] as const;
export type RouteAccess = (typeof ROUTE_ACCESS)[number];

export function isRouteAccess(value: unknown): value is RouteAccess {
  return typeof value === 'string' && (ROUTE_ACCESS as readonly string[]).includes(value);
}

export const routeNeedsTerminal = (access: RouteAccess) => access !== 'open';
export const routeNeedsSession = (access: RouteAccess) => access !== 'open' && access !== 'terminal';

/** Whether a logged-in `actor` may call a route declared `access`. */
export function mayCall(access: RouteAccess, actor: Actor): boolean {
  switch (access) {
    case 'open':
    case 'terminal':
    case 'session':
      return true;
    case 'clinician':
    case 'patient':
      return readsHistories(actor.role);
    case 'images':
      return worksWithImages(actor.role);
    case 'desk':
      return servesDesk(actor.role);
    case 'administrator':
      return adminScope(actor) !== undefined;
    case 'operator':
      return actor.role === 'operator';
  }
}

/** Licensed clinicians: their IDs (医師ID and the like) come from the secretariat only, after an application. */
const LICENSED_ROLES: ReadonlySet<Role> = new Set(['doctor', 'dentist', 'pharmacist', 'nurse']);

export const isLicensedRole = (role: Role) => LICENSED_ROLES.has(role);

/** Licensed clinicians read histories; clerks, liaison staff, technologists and administrators do not. */
export function readsHistories(role: Role): boolean {
  return LICENSED_ROLES.has(role);
}

/** Who sends and reads images: the licensed clinicians, and the technologists who take them. */
export function worksWithImages(role: Role): boolean {
  return readsHistories(role) || role === 'technologist';
}

/**
 * Whether `actor` may see a stored study: for now, the staff who work with
 * images at the facility that stored it. Reading requests and referrals
 * (the exchange) will widen this to the facilities a study was sent to.
 */
export function maySeeStudy(actor: Actor, study: { facilityCode: string }): boolean {
  return worksWithImages(actor.role) && actor.facilityCode !== null && actor.facilityCode.trim() === study.facilityCode.trim();
}

/** The facility desk: enrollment, cards, consent, the patient's access log. */
const DESK_ROLES: ReadonlySet<Role> = new Set(['clerk', 'liaison', 'facility-admin']);

export function servesDesk(role: Role): boolean {
  return DESK_ROLES.has(role);
}

/** Who may ask a My Number card to sign: a clinician to open a patient; the desk to bind a card or identify its holder. */
export function mayAskChallenge(purpose: 'present' | 'bind' | 'identify', role: Role): boolean {
  return purpose === 'present' ? readsHistories(role) : servesDesk(role);
}

/**
 * Where a user may log in: on a terminal of their own facility, or, for the
 * network's operators, on the secretariat's terminals (a terminal of no
 * facility). Whether that facility is active is the gate's question.
 */
export function mayLogInAt(actor: Actor, terminal: { facilityCode: string | null }): boolean {
  if (actor.role === 'operator') return terminal.facilityCode === null;
  return actor.facilityCode !== null && terminal.facilityCode === actor.facilityCode.trim();
}

/** The secretariat works its console from more than one PC; everyone else holds one session, and a new login ends the older ones. */
export function holdsParallelSessions(role: Role): boolean {
  return role === 'operator';
}

/** The acting administrator, as a session or the CLI knows them. */
export interface Administrator extends Actor {
  id: string;
}

/** The whole network, or one facility's terminals and users. */
export type AdminScope = { network: true } | { network: false; facilityCode: string };

/** What `actor` administers, or undefined if they administer nothing. */
export function adminScope(actor: Actor): AdminScope | undefined {
  if (actor.role === 'operator') return { network: true };
  if (actor.role === 'facility-admin' && actor.facilityCode) return { network: false, facilityCode: actor.facilityCode.trim() };
  return undefined;
}

export function scopeCoversFacility(scope: AdminScope, facilityCode: string | null): boolean {
  if (scope.network) return true;
  return facilityCode !== null && facilityCode.trim() === scope.facilityCode;
}

/**
 * The roles a scope issues directly. The operator issues every ID; a facility
 * administrator issues their staff's (clerk, liaison, technologist, facility
 * administrator), and applies to the operator for clinicians' IDs
 * (`mayApplyForRole`), as the network's rules say.
 */
export function scopeMayGrantRole(scope: AdminScope, role: Role): boolean {
  return scope.network || (role !== 'operator' && !isLicensedRole(role));
}

/** The roles a facility administrator applies for: the licensed clinicians, whom the operator approves. */
export function mayApplyForRole(scope: AdminScope, role: Role): boolean {
  return !scope.network && isLicensedRole(role);
}

/** A user the scope sees, deactivates and reactivates: at a covered facility, and not an operator unless the scope is the network's. */
export function scopeCoversUser(scope: AdminScope, user: { role: Role; facilityCode: string | null }): boolean {
  return scopeCoversFacility(scope, user.facilityCode) && (scope.network || user.role !== 'operator');
}

/**
 * A password the scope may reset: only of an ID it could have issued. A reset
 * hands out a one-time password, so a facility administrator resetting a
 * doctor's ID could log in as that doctor.
 */
export function scopeMayResetPassword(scope: AdminScope, user: { role: Role; facilityCode: string | null }): boolean {
  return scopeCoversUser(scope, user) && scopeMayGrantRole(scope, user.role);
}

/** A facility's name is the contract's: only the secretariat changes it. Address and phone are the facility's own to correct. */
export function mayRenameFacility(scope: AdminScope): boolean {
  return scope.network;
}

/** Everyone but the operator works at a facility; an operator may, but need not. */
export function facilityRequired(role: Role): boolean {
  return role !== 'operator';
}

/** The scope as one SQL parameter: null for the whole network, else the facility (`$n::text IS NULL OR facility_code = $n`). */
export function scopeFacility(scope: AdminScope): string | null {
  return scope.network ? null : scope.facilityCode;
}
