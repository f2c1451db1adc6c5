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
 * - `images`: who stores and reads images (DICOMweb, the web app's resumable uploads): licensed clinicians and technologists
 * - `image-views`: who looks at stored images (DICOMweb searches and retrieves, downloads): the `images` staff,
 *   and the liaison, who sees only the studies of items they see (`maySeeAttachedStudy`)
 * - `desk`: the facility desk (cards, consent, the patient's access log)
 * - `administrator`: the operator, or a facility administrator within their facility
 * - `operator`: the network's secretariat only
 * - `exchange`: the staff who take part in consultations between facilities (clinicians who send and read, technologists, clerks, liaison)
 * - `exchange-stats`: the exchange's staff, facility administrators and the operator (reading statistics)
 * - `exchange-usage`: clerks and the liaison, who follow how their facility's IDs use the exchange (counts, no patient data)
 */
export const ROUTE_ACCESS = ['open', 'terminal', 'session', 'clinician', 'patient', 'images', 'image-views', 'desk', 'administrator', 'operator', 'exchange', 'exchange-stats', 'exchange-usage'] as const;
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
    case 'image-views':
      return looksAtImages(actor.role);
    case 'desk':
      return servesDesk(actor.role);
    case 'administrator':
      return adminScope(actor) !== undefined;
    case 'operator':
      return actor.role === 'operator';
    case 'exchange':
      return takesPartInExchange(actor.role);
    case 'exchange-stats':
      return exchangeStatsScope(actor) !== undefined;
    case 'exchange-usage':
      return exchangeUsageFacility(actor) !== undefined;
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

/** Who looks at images: the image staff, and the liaison (地域連携室) for the studies of the items they handle; clerks never. */
export function looksAtImages(role: Role): boolean {
  return worksWithImages(role) || role === 'liaison';
}

/**
 * Whether `actor` may see a stored study on their own: the staff who work
 * with images at the facility that stored it. Reading requests and referrals
 * widen it to the items' parties (`maySeeAttachedStudy`).
 */
export function maySeeStudy(actor: Actor, study: { facilityCode: string }): boolean {
  return worksWithImages(actor.role) && actor.facilityCode !== null && actor.facilityCode.trim() === study.facilityCode.trim();
}

/**
 * Whether `actor` may send a study they see to a registered PACS (C-STORE
 * export): only to a PACS of their own facility, and only if they look at
 * images. Whether they see the study is `maySeeStudy` or the exchange's.
 */
export function mayExportStudyTo(actor: Actor, peer: { facilityCode: string }): boolean {
  return looksAtImages(actor.role) && actor.facilityCode !== null && actor.facilityCode.trim() === peer.facilityCode.trim();
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

/*
 * Consultations between facilities (exchange): reading requests, referrals,
 * progress reports and sharing. Clinicians (医師ID: doctor, dentist) send and
 * answer, and see only what they sent or what was addressed (or assigned) to
 * them; clerks see their facility's items read-only; the liaison (地域連携室)
 * sees as a clerk does, and receives the items addressed to the facility and
 * assigns each to a clinician of their facility; a radiological
 * technologist prepares a request for a clinician of their facility, who
 * sends it.
 */

/** Who sends and answers exchange items. */
const EXCHANGE_CLINICIANS: ReadonlySet<Role> = new Set(['doctor', 'dentist']);
const EXCHANGE_ROLES: ReadonlySet<Role> = new Set(['doctor', 'dentist', 'technologist', 'clerk', 'liaison']);

export const takesPartInExchange = (role: Role) => EXCHANGE_ROLES.has(role);
export const sendsExchanges = (role: Role) => EXCHANGE_CLINICIANS.has(role);
/** Who prepares items for a clinician to send: the radiological technologist. */
export const preparesExchanges = (role: Role) => role === 'technologist';

/** A staff member as the exchange rules need to know them. */
export interface ExchangeActor extends Actor {
  id: string;
}

/** Who an item is between, and where it stands. */
export interface ExchangeParties {
  fromFacility: string;
  fromUser: string;
  preparedBy: string | null;
  toFacility: string;
  /** The addressee, or the clinician the liaison assigned; null: not yet assigned. */
  toUser: string | null;
  /** Addressed to the facility's liaison rather than to a named user. */
  toLiaison: boolean;
  status: string;
}

/** What someone does to an item. */
export type ExchangeAction =
  /** send a draft, withdraw, add an addendum to the request */
  | 'sender'
  /** open first (received), accept, report, decline, add an addendum to the report */
  | 'reader'
  /** assign an item addressed to the facility to one of its clinicians */
  | 'assign';

const same = (a: string | null | undefined, b: string | null | undefined) => a != null && b != null && a.trim() === b.trim();

/**
 * Whether `actor` may see `item` at all. A draft is its sender's and its
 * preparer's only (and their facility's clerks'); nothing reaches the
 * receiving side before it is sent.
 */
export function mayViewExchange(actor: ExchangeActor, item: ExchangeParties): boolean {
  const sent = item.status !== 'draft';
  if (EXCHANGE_CLINICIANS.has(actor.role)) return actor.id === item.fromUser || (sent && actor.id === item.toUser);
  if (actor.role === 'technologist') return actor.id === item.preparedBy;
  if (actor.role === 'clerk' || actor.role === 'liaison') return same(actor.facilityCode, item.fromFacility) || (sent && same(actor.facilityCode, item.toFacility));
  return false;
}

/**
 * Whether `actor` may see a study attached to `item` (DICOMweb, downloads):
 * whoever sees the item and looks at images (clerks see the item only), while it stands; a withdrawn item shows its studies
 * to nobody on the receiving side any more (the storing facility's staff
 * still see them by `maySeeStudy`).
 */
export function maySeeAttachedStudy(actor: ExchangeActor, item: ExchangeParties): boolean {
  if (!looksAtImages(actor.role) || !mayViewExchange(actor, item)) return false;
  return item.status !== 'withdrawn' || actor.id === item.fromUser || actor.id === item.preparedBy || same(actor.facilityCode, item.fromFacility);
}

/** Whether `actor` may do `action` to `item` (seeing it is `mayViewExchange`; whether the item's status allows it is the lifecycle's). */
export function mayActOnExchange(actor: ExchangeActor, item: ExchangeParties, action: ExchangeAction): boolean {
  switch (action) {
    case 'sender':
      return EXCHANGE_CLINICIANS.has(actor.role) && actor.id === item.fromUser;
    case 'reader':
      return EXCHANGE_CLINICIANS.has(actor.role) && item.status !== 'draft' && actor.id === item.toUser;
    case 'assign':
      return actor.role === 'liaison' && item.toLiaison && item.status !== 'draft' && same(actor.facilityCode, item.toFacility);
  }
}

/** The statuses in which the reader still writes the report: received or accepted, or with an interim report only. */
const REPORT_PENDING: ReadonlySet<string> = new Set(['received', 'accepted', 'interim']);

/**
 * Whether `actor` may mark (and take back) key images (キー画像) of `item`:
 * the one who writes its report (the addressee or the clinician assigned,
 * `mayActOnExchange(..., 'reader')`), on an item that expects a report, while
 * it has none but an interim one, and after the final report for an addendum
 * (追記) to it. Not after a decline or a withdrawal: nothing is read then.
 * Which marks may still be taken back is the lifecycle's (none that a signed
 * final report or addendum lists). Listing them is for whoever sees the item.
 */
export function mayMarkKeyImages(actor: ExchangeActor, item: ExchangeParties, kind: string): boolean {
  return mayActOnExchange(actor, item, 'reader') && (kind === 'reading' || kind === 'referral') && (REPORT_PENDING.has(item.status) || item.status === 'final');
}

/** Whether opening `item` is its receipt (the first open by whoever receives it: the addressee, or the liaison for the facility). */
export function opensAsReceiver(actor: ExchangeActor, item: ExchangeParties): boolean {
  if (item.status === 'draft') return false;
  if (item.toUser !== null) return mayActOnExchange(actor, item, 'reader');
  return mayActOnExchange(actor, item, 'assign');
}

/** Whether a technologist (or the clinician themself) may prepare an item for `clinician`. */
export function mayPrepareExchangeFor(actor: ExchangeActor, clinician: { id: string; role: Role; facilityCode: string | null }): boolean {
  if (!sendsExchanges(clinician.role) || !same(actor.facilityCode, clinician.facilityCode)) return false;
  return preparesExchanges(actor.role) || (sendsExchanges(actor.role) && actor.id === clinician.id);
}

/** Whom the liaison may assign an item to: an exchange clinician of the same facility. */
export function mayBeAssignedExchange(actor: ExchangeActor, clinician: { role: Role; facilityCode: string | null }): boolean {
  return sendsExchanges(clinician.role) && same(actor.facilityCode, clinician.facilityCode);
}

/** Who may be named as an item's addressee at the receiving facility: a clinician who answers. */
export const receivesExchanges = (role: Role) => EXCHANGE_CLINICIANS.has(role);

export type ExchangeBox = 'inbox' | 'outbox' | 'facility';

/**
 * The items a box lists for `actor`, as data for the store's query: by user
 * (to them, from them, either), prepared by them, addressed to the
 * facility's liaison, or the facility's items in a direction.
 */
export type ExchangeBoxScope =
  | { by: 'user'; user: string; direction: 'in' | 'out' | 'both' }
  | { by: 'preparer'; user: string }
  | { by: 'liaison'; facility: string }
  | { by: 'facility'; facility: string; direction: 'in' | 'out' | 'both' }
  | { by: 'nothing' };

export function exchangeBoxScope(actor: ExchangeActor, box: ExchangeBox): ExchangeBoxScope {
  const direction = box === 'inbox' ? 'in' : box === 'outbox' ? 'out' : 'both';
  if (EXCHANGE_CLINICIANS.has(actor.role)) return { by: 'user', user: actor.id, direction };
  if (actor.role === 'technologist') return box === 'inbox' ? { by: 'nothing' } : { by: 'preparer', user: actor.id };
  const facility = actor.facilityCode?.trim();
  if (!facility) return { by: 'nothing' };
  if (actor.role === 'liaison' && box === 'inbox') return { by: 'liaison', facility };
  if (actor.role === 'clerk' || actor.role === 'liaison') return { by: 'facility', facility, direction };
  return { by: 'nothing' };
}

/** Whose reading statistics `actor` reads: the network's (operator), their facility's (its staff), or none. */
export function exchangeStatsScope(actor: Actor): AdminScope | undefined {
  if (actor.role === 'operator') return { network: true };
  if ((takesPartInExchange(actor.role) || actor.role === 'facility-admin') && actor.facilityCode) return { network: false, facilityCode: actor.facilityCode.trim() };
  return undefined;
}

/**
 * Whose IDs' use of the exchange `actor` follows: their own facility's, for
 * its clerks and liaison (事務員ID, 地域連携室ID); nobody else's.
 */
export function exchangeUsageFacility(actor: Actor): string | undefined {
  if ((actor.role === 'clerk' || actor.role === 'liaison') && actor.facilityCode) return actor.facilityCode.trim();
  return undefined;
}

/** Deletion requests (様式2) are the secretariat's: it finds the patient's items across the network and deletes them. */
export const carriesOutDeletionRequests = (actor: Actor) => actor.role === 'operator';
